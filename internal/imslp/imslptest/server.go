// Package imslptest is a fake IMSLP on loopback that speaks the formats the client reads:
// the worklist API (JSON keyed "0", "1", … with metadata, paged by start), the MediaWiki API
// (action=parse with a work page's wikitext in IMSLP's imslppage/imslpfile templates;
// list=categorymembers with cmcontinue), the copyright disclaimer in front of file downloads
// (an HTML page unless the disclaimer cookie is sent, then a redirect to the file), and PDFs.
// Failures can be injected (429 with Retry-After, 5xx, slow answers), and every request is
// recorded with its time, so tests can check the rate the server saw.
package imslptest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mirubato/mirubato/internal/pdf/pdftest"
)

// File is a file of a fake work.
type File struct {
	Index       int64
	Name        string
	Description string
	Pages       int
	Copyright   string
	Publisher   string
	Editor      string
}

// Work is a fake work page.
type Work struct {
	PageID          int64
	WorkTitle       string
	Composer        string // "Chopin, Frédéric"
	Opus            string
	Key             string
	Instrumentation string
	Year            string
	Movements       string
	Genres          []string
	Files           []File
}

// PageTitle is the page's title, as IMSLP names work pages: "Title (Composer)".
func (w *Work) PageTitle() string { return w.WorkTitle + " (" + w.Composer + ")" }

// Wikitext renders the work page as IMSLP's templates: one imslpfile group per publisher.
func (w *Work) Wikitext() string {
	var b strings.Builder
	b.WriteString("{{#fte:imslppage\n\n|*****FILES*****=\n")
	groups := map[string][]File{}
	var order []string
	for _, f := range w.Files {
		key := f.Publisher + "\x00" + f.Editor + "\x00" + f.Copyright
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], f)
	}
	for _, key := range order {
		fs := groups[key]
		fmt.Fprintf(&b, "===%s===\n{{#fte:imslpfile\n|Date Submitted=2008/3/14\n|Publisher Information=%s\n|Editor=%s\n|Copyright=%s\n|Misc. Notes=Scanned at 600dpi ([[User:Scanner|Scanner]])\n",
			fs[0].Description, fs[0].Publisher, fs[0].Editor, fs[0].Copyright)
		for i, f := range fs {
			n := i + 1
			fmt.Fprintf(&b, "|File Name %d=%s\n|File Description %d=%s\n|File Index %d=%d\n|Page Count %d=%d\n|File Tags %d=\n",
				n, f.Name, n, f.Description, n, f.Index, n, f.Pages, n)
		}
		b.WriteString("}}\n")
	}
	fmt.Fprintf(&b, "|*****END OF FILES*****=\n|Work Title=%s\n|Alternative Title=\n|Opus/Catalogue Number=%s\n|Key=%s\n"+
		"|Number of Movements/Sections=%s\n|Year/Date of Composition=%s\n|Instrumentation=%s\n|Genre Categories=%s\n"+
		"|Language=\n|Piece Style=Romantic\n}}\n",
		w.WorkTitle, w.Opus, w.Key, w.Movements, w.Year, w.Instrumentation, strings.Join(w.Genres, ";"))
	return b.String()
}

// Failure is an answer injected in place of the next request's.
type Failure struct {
	Status     int           // 429, 503…; 0: answer normally (after Delay)
	RetryAfter string        // Retry-After header, if any
	Delay      time.Duration // before answering
}

// Server is the fake IMSLP.
type Server struct {
	URL      string
	PageSize int // worklist and category page size (default 1000 and 500, as IMSLP)

	mu       sync.Mutex
	works    map[int64]*Work
	files    map[int64][]byte
	failures []Failure
	latency  time.Duration
	requests []Request
	srv      *http.Server
}

// Request is what the server saw.
type Request struct {
	At   time.Time
	Path string // path and query
}

// New starts a server on loopback; Close stops it.
func New() (*Server, error) {
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + ln.Addr().String(), works: map[int64]*Work{}, files: map[int64][]byte{}}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// Add publishes works; each file gets a PDF of its page count (at least 1) unless one was
// set with SetFile.
func (s *Server) Add(works ...*Work) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, w := range works {
		s.works[w.PageID] = w
		for _, f := range w.Files {
			if _, ok := s.files[f.Index]; !ok {
				s.files[f.Index] = PDF(max(f.Pages, 1), w.WorkTitle)
			}
		}
	}
}

// SetFile sets the bytes served for a file index.
func (s *Server) SetFile(index int64, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[index] = data
}

// PDF returns a valid PDF of n pages titled title.
func PDF(n int, title string) []byte {
	pages := make([][]string, n)
	for i := range pages {
		pages[i] = []string{fmt.Sprintf("%s, page %d", title, i+1)}
	}
	return pdftest.Build(pdftest.Doc{Pages: pages})
}

// Fail queues failures, answered to the next requests in order.
func (s *Server) Fail(f ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, f...)
}

// SetLatency delays every answer by d (a slow site), on top of injected delays.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// Requests returns what the server saw, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// MaxWithin is the most requests the server saw within any window of length d. (Requests
// leave on their turns; their arrival adds a little scheduling jitter, so a check of a rate
// of n per second uses a window a few milliseconds short of a second.)
func (s *Server) MaxWithin(d time.Duration) int {
	reqs := s.Requests()
	most := 0
	for i := range reqs {
		n := 0
		for j := i; j < len(reqs) && reqs[j].At.Sub(reqs[i].At) < d; j++ {
			n++
		}
		most = max(most, n)
	}
	return most
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, Request{At: time.Now(), Path: r.URL.RequestURI()})
	var f Failure
	if len(s.failures) > 0 {
		f, s.failures = s.failures[0], s.failures[1:]
	}
	f.Delay += s.latency
	s.mu.Unlock()
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return
		}
	}
	if f.Status != 0 {
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		http.Error(w, http.StatusText(f.Status), f.Status)
		return
	}
	switch {
	case r.URL.Path == "/imslpscripts/API.ISCR.php":
		s.worklist(w, r)
	case r.URL.Path == "/api.php":
		s.mediawiki(w, r)
	case strings.HasPrefix(r.URL.Path, "/wiki/Special:ImagefromIndex/"):
		s.imageFromIndex(w, r)
	case strings.HasPrefix(r.URL.Path, "/files/"):
		s.file(w, r)
	default:
		http.NotFound(w, r)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

// sortedWorks returns the works by page id.
func (s *Server) sortedWorks() []*Work {
	s.mu.Lock()
	defer s.mu.Unlock()
	ws := make([]*Work, 0, len(s.works))
	for _, w := range s.works {
		ws = append(ws, w)
	}
	slices.SortFunc(ws, func(a, b *Work) int { return int(a.PageID - b.PageID) })
	return ws
}

// worklist answers API.ISCR.php?account=worklist/…/type=1|2/start=N/retformat=json.
func (s *Server) worklist(w http.ResponseWriter, r *http.Request) {
	params := map[string]string{}
	for _, part := range strings.Split(r.URL.RawQuery, "/") {
		if k, v, ok := strings.Cut(part, "="); ok {
			params[k] = v
		}
	}
	start, _ := strconv.Atoi(params["start"])
	size := s.PageSize
	if size == 0 {
		size = 1000
	}
	var entries []map[string]any
	if params["type"] == "1" {
		seen := map[string]bool{}
		for _, wk := range s.sortedWorks() {
			if !seen[wk.Composer] {
				seen[wk.Composer] = true
				entries = append(entries, map[string]any{"id": "Category:" + wk.Composer, "type": "1", "parent": "",
					"permlink": s.URL + "/wiki/Category:" + url.PathEscape(wk.Composer), "intvals": map[string]any{}})
			}
		}
	} else {
		for _, wk := range s.sortedWorks() {
			entries = append(entries, map[string]any{"id": wk.PageTitle(), "type": "2", "parent": "Category:" + wk.Composer,
				"permlink": s.URL + "/wiki/" + url.PathEscape(strings.ReplaceAll(wk.PageTitle(), " ", "_")),
				"intvals": map[string]any{"composer": wk.Composer, "worktitle": wk.WorkTitle,
					"icatno": wk.Opus, "pageid": strconv.FormatInt(wk.PageID, 10)}})
		}
	}
	out := map[string]any{}
	end := min(start+size, len(entries))
	for i := start; i < end; i++ {
		out[strconv.Itoa(i-start)] = entries[i]
	}
	out["metadata"] = map[string]any{"moreresultsavailable": end < len(entries), "start": start, "limit": size}
	writeJSON(w, out)
}

func (s *Server) mediawiki(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch q.Get("action") {
	case "parse":
		var found *Work
		for _, wk := range s.sortedWorks() {
			if id, _ := strconv.ParseInt(q.Get("pageid"), 10, 64); id == wk.PageID ||
				(q.Get("page") != "" && strings.ReplaceAll(q.Get("page"), "_", " ") == wk.PageTitle()) {
				found = wk
				break
			}
		}
		if found == nil {
			code := "missingtitle"
			if q.Get("pageid") != "" {
				code = "nosuchpageid"
			}
			writeJSON(w, map[string]any{"error": map[string]any{"code": code, "info": "The page you specified doesn't exist."}})
			return
		}
		writeJSON(w, map[string]any{"parse": map[string]any{"title": found.PageTitle(), "pageid": found.PageID,
			"wikitext": found.Wikitext()}})
	case "query":
		if q.Get("list") != "categorymembers" {
			writeJSON(w, map[string]any{"error": map[string]any{"code": "badvalue", "info": "Unrecognized value for parameter \"list\"."}})
			return
		}
		composer := strings.TrimPrefix(q.Get("cmtitle"), "Category:")
		var titles []string
		for _, wk := range s.sortedWorks() {
			if wk.Composer == composer {
				titles = append(titles, wk.PageTitle())
			}
		}
		start, _ := strconv.Atoi(q.Get("cmcontinue"))
		size := s.PageSize
		if size == 0 || size > 500 {
			size = 500
		}
		end := min(start+size, len(titles))
		members := []map[string]any{}
		for _, t := range titles[min(start, end):end] {
			members = append(members, map[string]any{"ns": 0, "title": t})
		}
		out := map[string]any{"batchcomplete": "", "query": map[string]any{"categorymembers": members}}
		if end < len(titles) {
			out["continue"] = map[string]any{"cmcontinue": strconv.Itoa(end), "continue": "-||"}
		}
		writeJSON(w, out)
	default:
		writeJSON(w, map[string]any{"error": map[string]any{"code": "unknown_action", "info": "Unrecognized value for parameter \"action\"."}})
	}
}

// imageFromIndex is IMSLP's file link: the disclaimer page, or once accepted, the file.
func (s *Server) imageFromIndex(w http.ResponseWriter, r *http.Request) {
	index, err := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, "/wiki/Special:ImagefromIndex/"), 10, 64)
	s.mu.Lock()
	_, ok := s.files[index]
	s.mu.Unlock()
	if err != nil || !ok {
		http.NotFound(w, r)
		return
	}
	if c, err := r.Cookie("imslpdisclaimeraccepted"); err != nil || c.Value != "yes" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html><body><h1>Copyright disclaimer</h1><p>This file may not be public domain in your country.</p>`+
			`<a href="/wiki/Special:ImagefromIndex/%d" onclick="document.cookie='imslpdisclaimeraccepted=yes'">I accept this disclaimer, continue to download file</a></body></html>`, index)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/files/imglnks/usimg/%x/IMSLP%d.pdf", index%256, index), http.StatusFound)
}

func (s *Server) file(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	index, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(name, "IMSLP"), ".pdf"), 10, 64)
	s.mu.Lock()
	data, ok := s.files[index]
	s.mu.Unlock()
	if err != nil || !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}
