// Package mail sends the product's emails: over SMTP, or into an in-memory dev mailbox when
// no SMTP server is configured in development.
package mail

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one email.
type Message struct {
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	Text    string    `json:"text"`
	SentAt  time.Time `json:"sent_at"`
}

// SMTP sends mail through an SMTP server given as a URL:
// smtp://user:pass@host:587 (STARTTLS required), smtps://… (implicit TLS), or
// smtp+insecure://host:port (no TLS: local relays and tests).
type SMTP struct {
	from   string
	host   string
	port   int
	user   string
	pass   string
	tls    gomail.TLSPolicy
	ssl    bool
	logger *slog.Logger
}

// NewSMTP parses rawURL and returns a sender with from as the sender address.
func NewSMTP(rawURL, from string, logger *slog.Logger) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("SMTP_URL: %w", err)
	}
	s := &SMTP{from: from, host: u.Hostname(), logger: logger, tls: gomail.TLSMandatory}
	switch u.Scheme {
	case "smtp":
		s.port = 587 // STARTTLS, required: a sign-in link must not travel in the clear
	case "smtps":
		s.port, s.ssl, s.tls = 465, true, gomail.TLSMandatory
	case "smtp+insecure":
		s.port, s.tls = 25, gomail.NoTLS
	default:
		return nil, fmt.Errorf("SMTP_URL: scheme must be smtp, smtps or smtp+insecure, got %q", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if s.port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("SMTP_URL: bad port %q", p)
		}
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	return s, nil
}

// Send delivers one plain-text message.
func (s *SMTP) Send(ctx context.Context, to, subject, text string) error {
	m := gomail.NewMsg()
	if err := m.From(s.from); err != nil {
		return fmt.Errorf("error setting sender: %w", err)
	}
	if err := m.To(to); err != nil {
		return fmt.Errorf("error setting recipient: %w", err)
	}
	m.Subject(subject)
	m.SetBodyString(gomail.TypeTextPlain, text)
	opts := []gomail.Option{gomail.WithPort(s.port), gomail.WithTLSPolicy(s.tls), gomail.WithTimeout(15 * time.Second)}
	if s.ssl {
		opts = append(opts, gomail.WithSSL())
	}
	if s.user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.user), gomail.WithPassword(s.pass))
	}
	c, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return fmt.Errorf("error configuring SMTP: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("error sending mail: %w", err)
	}
	return nil
}

// Mailbox keeps the last messages in memory instead of sending them (development), and
// logs each one so the link can be copied from the terminal.
type Mailbox struct {
	logger *slog.Logger
	mu     sync.Mutex
	msgs   []Message
}

// NewMailbox returns an empty dev mailbox.
func NewMailbox(logger *slog.Logger) *Mailbox { return &Mailbox{logger: logger} }

// Send implements the sender interface.
func (b *Mailbox) Send(ctx context.Context, to, subject, text string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.msgs = append(b.msgs, Message{To: to, Subject: subject, Text: text, SentAt: time.Now().UTC()})
	if len(b.msgs) > 100 {
		b.msgs = b.msgs[len(b.msgs)-100:]
	}
	b.logger.InfoContext(ctx, "dev mailbox: message", slog.String("to", to), slog.String("subject", subject), slog.String("text", text))
	return nil
}

// Messages returns the kept messages, newest first.
func (b *Mailbox) Messages() []Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]Message, len(b.msgs))
	for i, m := range b.msgs {
		out[len(b.msgs)-1-i] = m
	}
	return out
}
