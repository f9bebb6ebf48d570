// Package imslp is a client of IMSLP (the Petrucci Music Library): its worklist API (people
// and works, paged by start), its MediaWiki API (a work page's wikitext, a composer's
// category) and its file downloads (by file index, with the copyright disclaimer accepted).
//
// Every request first takes a turn from a Limiter shared by all processes (Postgres), so
// the whole platform stays within IMSLP's rate however many workers run. A 429 or a 5xx is
// returned as *RetryLater for the job to snooze on: nothing here sleeps on IMSLP's behalf
// beyond the limiter's short wait for its turn.
package imslp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mirubato/mirubato/internal/retryafter"
)

// UserAgent names the application to IMSLP, as its terms ask of API clients.
const UserAgent = "Mirubato/1.0 (music practice platform; IMSLP importer)"

// RetryLater is a refusal to try again after After: IMSLP said 429 (After is its
// Retry-After) or failed (5xx), or our rate limit has no turn soon.
type RetryLater struct {
	After  time.Duration
	Reason string
}

func (e *RetryLater) Error() string { return e.Reason + "; retry in " + e.After.String() }

// ErrNotFound is IMSLP's answer for a page or file that does not exist.
var ErrNotFound = errors.New("not found on IMSLP")

// Client talks to one IMSLP (BaseURL: https://imslp.org, or a test server).
type Client struct {
	BaseURL  string
	HTTP     *http.Client // its Timeout bounds each request
	Limiter  Limiter      // nil: no limit
	MaxBytes int64        // the largest file Download takes
}

// Limiter hands out turns to make a request.
type Limiter interface {
	// Wait returns when it is the caller's turn, or *RetryLater when the turn is too far off.
	Wait(ctx context.Context) error
}

// get makes one request (after taking a turn) and returns the response of a 2xx or 3xx;
// the caller closes its body.
func (c *Client) get(ctx context.Context, u string, header http.Header) (*http.Response, error) {
	if c.Limiter != nil {
		if err := c.Limiter.Wait(ctx); err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header = header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	req.Header.Set("User-Agent", UserAgent)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, &RetryLater{After: 30 * time.Second, Reason: "IMSLP did not answer: " + err.Error()}
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		resp.Body.Close()
		return nil, &RetryLater{After: retryAfter(resp.Header.Get("Retry-After"), time.Minute), Reason: "IMSLP asked us to slow down (429)"}
	case resp.StatusCode >= 500:
		resp.Body.Close()
		return nil, &RetryLater{After: retryAfter(resp.Header.Get("Retry-After"), 30*time.Second),
			Reason: fmt.Sprintf("IMSLP failed (%d)", resp.StatusCode)}
	case resp.StatusCode == http.StatusNotFound:
		resp.Body.Close()
		return nil, ErrNotFound
	case resp.StatusCode >= 400:
		resp.Body.Close()
		return nil, fmt.Errorf("IMSLP refused %s: %s", u, resp.Status)
	}
	return resp, nil
}

// retryAfter reads IMSLP's Retry-After (def when absent), bounded to a second to a day.
func retryAfter(v string, def time.Duration) time.Duration {
	return min(max(retryafter.Parse(v, def), time.Second), 24*time.Hour)
}

func (c *Client) getJSON(ctx context.Context, u string, dst any) error {
	resp, err := c.get(ctx, u, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(dst); err != nil {
		return fmt.Errorf("IMSLP answered something that is not the JSON expected: %w", err)
	}
	return nil
}

// ListEntry is one row of the worklist: a person (type 1) or a work (type 2).
type ListEntry struct {
	ID        string `json:"id"` // "Category:Chopin, Frédéric", or a work page's title
	Type      string `json:"type"`
	Parent    string `json:"parent"` // a work's composer category
	Permlink  string `json:"permlink"`
	PageID    int64  `json:"-"`
	WorkTitle string `json:"-"`
}

// WorkList returns a page of the worklist (people when works is false) from start, and
// whether more follow. IMSLP answers an object keyed "0", "1", … plus "metadata".
func (c *Client) WorkList(ctx context.Context, works bool, start int) ([]ListEntry, bool, error) {
	kind := 1
	if works {
		kind = 2
	}
	u := fmt.Sprintf("%s/imslpscripts/API.ISCR.php?account=worklist/disclaimer=accepted/sort=id/type=%d/start=%d/retformat=json",
		c.BaseURL, kind, start)
	var raw map[string]json.RawMessage
	if err := c.getJSON(ctx, u, &raw); err != nil {
		return nil, false, err
	}
	var meta struct {
		More bool `json:"moreresultsavailable"`
	}
	if m, ok := raw["metadata"]; ok {
		_ = json.Unmarshal(m, &meta)
	}
	out := make([]ListEntry, 0, len(raw))
	for i := 0; ; i++ {
		m, ok := raw[strconv.Itoa(i)]
		if !ok {
			break
		}
		var e struct {
			ListEntry
			IntVals struct {
				PageID    json.Number `json:"pageid"`
				WorkTitle string      `json:"worktitle"`
			} `json:"intvals"`
		}
		if err := json.Unmarshal(m, &e); err != nil {
			return nil, false, fmt.Errorf("IMSLP's worklist has an entry we cannot read: %w", err)
		}
		e.PageID, _ = e.IntVals.PageID.Int64()
		e.WorkTitle = e.IntVals.WorkTitle
		out = append(out, e.ListEntry)
	}
	return out, meta.More, nil
}

// CategoryWorks returns a page of the work pages in a composer's category ("Chopin,
// Frédéric"), and the continuation for the next page ("" at the end).
func (c *Client) CategoryWorks(ctx context.Context, composer, cont string) ([]string, string, error) {
	q := url.Values{"action": {"query"}, "list": {"categorymembers"}, "cmtitle": {"Category:" + composer},
		"cmtype": {"page"}, "cmlimit": {"500"}, "format": {"json"}}
	if cont != "" {
		q.Set("cmcontinue", cont)
	}
	var r struct {
		Query struct {
			Members []struct {
				Title string `json:"title"`
			} `json:"categorymembers"`
		} `json:"query"`
		Continue struct {
			CM string `json:"cmcontinue"`
		} `json:"continue"`
		Error *struct {
			Code string `json:"code"`
			Info string `json:"info"`
		} `json:"error"`
	}
	if err := c.getJSON(ctx, c.BaseURL+"/api.php?"+q.Encode(), &r); err != nil {
		return nil, "", err
	}
	if r.Error != nil {
		return nil, "", fmt.Errorf("IMSLP: %s", r.Error.Info)
	}
	titles := make([]string, len(r.Query.Members))
	for i, m := range r.Query.Members {
		titles[i] = m.Title
	}
	return titles, r.Continue.CM, nil
}

// Ref is a work as a user names it: a page id, or a page title (from a URL or typed).
type Ref struct {
	PageID int64
	Title  string
}

func (r Ref) String() string {
	if r.PageID > 0 {
		return strconv.FormatInt(r.PageID, 10)
	}
	return r.Title
}

var wikiPath = regexp.MustCompile(`^/wiki/(.+)$`)

// ParseRef reads a work reference: an IMSLP URL (https://imslp.org/wiki/Title_(Composer)),
// a page id, or a page title.
func ParseRef(s string) (Ref, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Ref{}, errors.New("an IMSLP work is a URL, a page id or a page title; got nothing")
	}
	if id, err := strconv.ParseInt(s, 10, 64); err == nil {
		if id <= 0 {
			return Ref{}, fmt.Errorf("%q is not a page id", s)
		}
		return Ref{PageID: id}, nil
	}
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
			return Ref{}, fmt.Errorf("%q is not an IMSLP URL", s)
		}
		if id := u.Query().Get("curid"); id != "" {
			return ParseRef(id)
		}
		m := wikiPath.FindStringSubmatch(u.Path)
		if m == nil || !strings.HasSuffix(strings.ToLower(u.Hostname()), "imslp.org") && u.Hostname() != "127.0.0.1" {
			return Ref{}, fmt.Errorf("%q is not the URL of an IMSLP work page (https://imslp.org/wiki/…)", s)
		}
		s = m[1]
	}
	title := strings.TrimSpace(strings.ReplaceAll(s, "_", " "))
	if len(title) > 300 || strings.ContainsAny(title, "<>[]{}|#") {
		return Ref{}, fmt.Errorf("%q is not an IMSLP page title", s)
	}
	return Ref{Title: title}, nil
}

// Work reads a work page through the MediaWiki parse API.
func (c *Client) Work(ctx context.Context, ref Ref) (*Work, error) {
	q := url.Values{"action": {"parse"}, "prop": {"wikitext"}, "format": {"json"}, "formatversion": {"2"}}
	if ref.PageID > 0 {
		q.Set("pageid", strconv.FormatInt(ref.PageID, 10))
	} else {
		q.Set("page", ref.Title)
		q.Set("redirects", "1")
	}
	var r struct {
		Parse *struct {
			Title    string `json:"title"`
			PageID   int64  `json:"pageid"`
			Wikitext string `json:"wikitext"`
		} `json:"parse"`
		Error *struct {
			Code string `json:"code"`
			Info string `json:"info"`
		} `json:"error"`
	}
	if err := c.getJSON(ctx, c.BaseURL+"/api.php?"+q.Encode(), &r); err != nil {
		return nil, err
	}
	if r.Error != nil {
		if r.Error.Code == "missingtitle" || r.Error.Code == "nosuchpageid" {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("IMSLP: %s", r.Error.Info)
	}
	if r.Parse == nil {
		return nil, errors.New("IMSLP's parse answer has no page")
	}
	return ParseWork(r.Parse.PageID, r.Parse.Title, r.Parse.Wikitext)
}

// disclaimer is the cookie that says IMSLP's copyright disclaimer was accepted.
const disclaimer = "imslpdisclaimeraccepted=yes"

// Download fetches a file by its index, accepting the disclaimer, and follows IMSLP's
// redirect to the file itself (each hop takes its own turn). At most MaxBytes.
func (c *Client) Download(ctx context.Context, index int64) ([]byte, error) {
	u := fmt.Sprintf("%s/wiki/Special:ImagefromIndex/%d", c.BaseURL, index)
	header := http.Header{"Cookie": {disclaimer}}
	for hop := 0; ; hop++ {
		if hop > 5 {
			return nil, errors.New("IMSLP redirected too many times")
		}
		resp, err := c.get(ctx, u, header)
		if err != nil {
			return nil, err
		}
		if loc := resp.Header.Get("Location"); resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != "" {
			resp.Body.Close()
			next, err := resp.Request.URL.Parse(loc)
			if err != nil {
				return nil, fmt.Errorf("IMSLP redirected to a bad address: %w", err)
			}
			u = next.String()
			continue
		}
		defer resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); strings.HasPrefix(ct, "text/html") {
			return nil, errors.New("IMSLP answered a page instead of the file (the disclaimer was not accepted?)")
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, c.MaxBytes+1))
		if err != nil {
			return nil, &RetryLater{After: 30 * time.Second, Reason: "the download broke off: " + err.Error()}
		}
		if int64(len(data)) > c.MaxBytes {
			return nil, fmt.Errorf("the file is larger than %d bytes", c.MaxBytes)
		}
		return data, nil
	}
}

// NewHTTPClient returns the HTTP client for IMSLP: timeout per request, redirects left to
// Download (each hop takes a turn of the rate limit).
func NewHTTPClient(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
