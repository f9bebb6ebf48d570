// Package fetch downloads files from URLs that users give us, safely: http and https only,
// a size limit enforced while reading, timeouts, a bounded number of redirects, and no
// connections to private, loopback, link-local or other non-public addresses (checked on
// the address actually dialled, so a DNS answer cannot point us inside the network).
package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"path"
	"strings"
	"syscall"
	"time"
)

// Refused is an error about the URL or what it served, for the person who gave the URL.
type Refused struct {
	Reason string
	Err    error
	// Temporary: a later try may succeed (a timeout, a refused connection, a 5xx or 429
	// answer); otherwise trying again is pointless (a 404, a private address, too large).
	Temporary bool
}

func (e *Refused) Error() string {
	if e.Err != nil {
		return e.Reason + ": " + e.Err.Error()
	}
	return e.Reason
}

func (e *Refused) Unwrap() error { return e.Err }

// ErrTooLarge is wrapped by the refusal of a file over the limit.
var ErrTooLarge = errors.New("file too large")

var (
	errForbiddenAddress = errors.New("address not allowed")
	// errRedirect is wrapped by the redirects we do not follow: no retry changes them.
	errRedirect = errors.New("redirect not followed")
)

// Fetcher downloads files.
type Fetcher struct {
	client   *http.Client
	maxBytes int64
}

// Timeout is the time limit of one download, redirects and body included.
func (f *Fetcher) Timeout() time.Duration { return f.client.Timeout }

// Options configure a Fetcher.
type Options struct {
	MaxBytes int64
	Timeout  time.Duration // the whole download; 0 means 60 s
	// AllowPrivate allows non-public addresses (tests, and deployments that import from
	// their own network).
	AllowPrivate bool
	UserAgent    string
}

// New returns a Fetcher.
func New(o Options) *Fetcher {
	if o.Timeout <= 0 {
		o.Timeout = time.Minute
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	if !o.AllowPrivate {
		dialer.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip, err := netip.ParseAddr(host)
			if err != nil || !Public(ip) {
				return fmt.Errorf("%w: %s", errForbiddenAddress, host)
			}
			return nil
		}
	}
	transport := &http.Transport{
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 20 * time.Second,
		MaxIdleConns:          10,
		IdleConnTimeout:       30 * time.Second,
		Proxy:                 nil, // a proxy would dial for us, past the address check
	}
	ua := o.UserAgent
	client := &http.Client{
		Transport: userAgent{next: transport, ua: ua},
		Timeout:   o.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return fmt.Errorf("%w: more than 5 redirects", errRedirect)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("%w: to a %s URL", errRedirect, req.URL.Scheme)
			}
			return nil
		},
	}
	return &Fetcher{client: client, maxBytes: o.MaxBytes}
}

type userAgent struct {
	next http.RoundTripper
	ua   string
}

func (u userAgent) RoundTrip(r *http.Request) (*http.Response, error) {
	if u.ua != "" {
		r.Header.Set("User-Agent", u.ua)
	}
	return u.next.RoundTrip(r)
}

// Public reports whether ip is a globally routable unicast address.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsMulticast() || ip.IsUnspecified() || ip.IsInterfaceLocalMulticast() {
		return false
	}
	for _, p := range []string{"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "64:ff9b::/96", "64:ff9b:1::/48", "2001:db8::/32",
		"2002::/16", "fec0::/10"} {
		if netip.MustParsePrefix(p).Contains(ip) {
			return false
		}
	}
	return true
}

// CheckURL accepts absolute http(s) URLs with a host.
func CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, &Refused{Reason: "the URL must be an absolute http:// or https:// address"}
	}
	if u.User != nil {
		return nil, &Refused{Reason: "the URL must not contain a user name or password"}
	}
	return u, nil
}

// File is a downloaded file.
type File struct {
	Data        []byte
	Filename    string // from Content-Disposition, else the URL's last path segment
	ContentType string
	FinalURL    string // after redirects
}

// Get downloads rawURL. Every refusal (bad URL, forbidden address, HTTP error, too large,
// timeout) is a *Refused with a reason for people, which says whether a later try may
// succeed.
func (f *Fetcher) Get(ctx context.Context, rawURL string) (*File, error) {
	u, err := CheckURL(rawURL)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &Refused{Reason: "the URL could not be requested", Err: err}
	}
	resp, err := f.client.Do(req)
	if err != nil {
		switch {
		case errors.Is(err, errForbiddenAddress):
			return nil, &Refused{Reason: "the URL points to a private or local network address, which is not allowed", Err: err}
		case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
			return nil, &Refused{Reason: "the server at the URL did not answer in time", Err: err, Temporary: true}
		case errors.Is(err, errRedirect):
			return nil, &Refused{Reason: "the URL could not be fetched: its redirects lead nowhere we follow", Err: err}
		case noSuchHost(err):
			return nil, &Refused{Reason: "the URL's host name does not exist", Err: err}
		case badCertificate(err):
			return nil, &Refused{Reason: "the server at the URL has an invalid HTTPS certificate", Err: err}
		default: // refused or reset connections, a name server that failed: maybe later
			return nil, &Refused{Reason: "the URL could not be fetched", Err: err, Temporary: true}
		}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &Refused{Reason: fmt.Sprintf("the server at the URL answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode)),
			Temporary: temporaryStatus(resp.StatusCode)}
	}
	if f.maxBytes > 0 && resp.ContentLength > f.maxBytes {
		return nil, &Refused{Reason: fmt.Sprintf("the file at the URL is larger than the limit of %d bytes", f.maxBytes), Err: ErrTooLarge}
	}
	limit := f.maxBytes
	if limit <= 0 {
		limit = 1 << 62
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		if isTimeout(err) || errors.Is(err, context.DeadlineExceeded) {
			return nil, &Refused{Reason: "the download took too long", Err: err, Temporary: true}
		}
		return nil, &Refused{Reason: "the download was interrupted", Err: err, Temporary: true}
	}
	if int64(len(data)) > limit {
		return nil, &Refused{Reason: fmt.Sprintf("the file at the URL is larger than the limit of %d bytes", f.maxBytes), Err: ErrTooLarge}
	}
	return &File{Data: data, Filename: filename(resp), ContentType: resp.Header.Get("Content-Type"), FinalURL: resp.Request.URL.String()}, nil
}

// temporaryStatus: the answers that say "not now" rather than "not this".
func temporaryStatus(code int) bool {
	return code >= 500 || code == http.StatusRequestTimeout || code == http.StatusTooEarly || code == http.StatusTooManyRequests
}

func noSuchHost(err error) bool {
	var dns *net.DNSError
	return errors.As(err, &dns) && dns.IsNotFound
}

func badCertificate(err error) bool {
	var verify *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &verify) || errors.As(err, &unknown) || errors.As(err, &host) || errors.As(err, &invalid)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func filename(resp *http.Response) string {
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil && params["filename"] != "" {
		return path.Base(params["filename"])
	}
	return NameFromURL(resp.Request.URL)
}

// NameFromURL is the file name a URL suggests: its last path segment, else "score.pdf".
func NameFromURL(u *url.URL) string {
	if base := path.Base(u.Path); base != "/" && base != "." && base != "" {
		if unescaped, err := url.PathUnescape(base); err == nil {
			return unescaped
		}
		return base
	}
	return "score.pdf"
}
