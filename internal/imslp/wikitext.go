package imslp

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Work is an IMSLP work page: its metadata and its files.
type Work struct {
	PageID          int64    `json:"page_id"`
	PageTitle       string   `json:"page_title"`
	Title           string   `json:"title"`
	Composer        string   `json:"composer"`
	Opus            string   `json:"opus,omitempty"`
	Key             string   `json:"key,omitempty"`
	Instrumentation string   `json:"instrumentation,omitempty"`
	Year            string   `json:"year,omitempty"`
	Movements       string   `json:"movements,omitempty"`
	Genres          []string `json:"genres,omitempty"`
	Files           []File   `json:"files"`
}

// File is one file of a work: a scan, a part, an arrangement…
type File struct {
	Index       int64  `json:"index"` // IMSLP's file index (#12345), the download handle
	Name        string `json:"name"`
	Description string `json:"description"`
	Pages       int    `json:"pages,omitempty"`
	Editor      string `json:"editor,omitempty"`
	Publisher   string `json:"publisher,omitempty"`
	// Copyright is the file's copyright status as IMSLP states it, per jurisdiction:
	// "Public Domain", "Public Domain - Non-PD US", "Non-PD EU", "Creative Commons …"
	Copyright string `json:"copyright"`
}

// fields returns the top-level parameters of the template call that starts at body (just
// after its name): `|Name=Value` pairs, with nested templates and links kept whole.
func fields(body string) (map[string]string, int) {
	out := map[string]string{}
	depth, start := 0, -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		part := body[start:end]
		if k, v, ok := strings.Cut(part, "="); ok {
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	for i := 0; i < len(body); i++ {
		switch {
		case strings.HasPrefix(body[i:], "{{") || strings.HasPrefix(body[i:], "[["):
			depth++
			i++
		case strings.HasPrefix(body[i:], "}}") || strings.HasPrefix(body[i:], "]]"):
			if depth == 0 {
				flush(i)
				return out, i + 2
			}
			depth--
			i++
		case body[i] == '|' && depth == 0:
			flush(i)
			start = i + 1
		}
	}
	flush(len(body))
	return out, len(body)
}

// templates returns the bodies of every call of the template named name in text.
func templates(text, name string) []string {
	var out []string
	open := "{{" + name
	for {
		i := strings.Index(text, open)
		if i < 0 {
			return out
		}
		body := text[i+len(open):]
		_, n := fields(body)
		out = append(out, body[:n])
		text = body[n:]
	}
}

var (
	numbered     = regexp.MustCompile(`^(.*?)\s+(\d+)$`)
	titleCompose = regexp.MustCompile(`^(.*)\s+\(([^()]+)\)$`)
)

// ParseWork reads a work page's wikitext (IMSLP's #fte:imslppage template with its
// #fte:imslpfile file groups). pageTitle is the page's title ("Ballade No.1, Op.23 (Chopin,
// Frédéric)"): the composer is the part in parentheses unless the page names one.
func ParseWork(pageID int64, pageTitle, wikitext string) (*Work, error) {
	pages := templates(wikitext, "#fte:imslppage")
	if len(pages) == 0 {
		return nil, fmt.Errorf("page %q is not an IMSLP work page (no imslppage template)", pageTitle)
	}
	f, _ := fields(pages[0])
	w := &Work{PageID: pageID, PageTitle: pageTitle, Title: f["Work Title"], Composer: f["Composer"],
		Opus: f["Opus/Catalogue Number"], Key: f["Key"], Instrumentation: f["Instrumentation"],
		Year: f["Year/Date of Composition"], Movements: f["Number of Movements/Sections"], Files: []File{}}
	if m := titleCompose.FindStringSubmatch(pageTitle); m != nil {
		if w.Title == "" {
			w.Title = m[1]
		}
		if w.Composer == "" {
			w.Composer = m[2]
		}
	}
	if w.Title == "" {
		w.Title = pageTitle
	}
	for _, g := range strings.Split(f["Genre Categories"], ";") {
		if g = strings.TrimSpace(g); g != "" {
			w.Genres = append(w.Genres, g)
		}
	}
	for _, group := range templates(f["*****FILES*****"], "#fte:imslpfile") {
		gf, _ := fields(group)
		files := map[int]*File{}
		for k, v := range gf {
			m := numbered.FindStringSubmatch(k)
			if m == nil {
				continue
			}
			n, _ := strconv.Atoi(m[2])
			file := files[n]
			if file == nil {
				file = &File{Editor: gf["Editor"], Publisher: gf["Publisher Information"], Copyright: gf["Copyright"]}
				files[n] = file
			}
			switch m[1] {
			case "File Name":
				file.Name = v
			case "File Description":
				file.Description = v
			case "File Index":
				file.Index, _ = strconv.ParseInt(strings.TrimPrefix(v, "#"), 10, 64)
			case "Page Count":
				file.Pages, _ = strconv.Atoi(v)
			}
		}
		for _, n := range slices.Sorted(maps.Keys(files)) {
			if file := files[n]; file.Index > 0 && file.Name != "" {
				w.Files = append(w.Files, *file)
			}
		}
	}
	return w, nil
}

// Jurisdictions are where a file can be public domain.
func Jurisdictions() []string { return []string{"us", "eu", "ca"} }

// PublicDomainIn reports whether the file is public domain in jurisdiction (us, eu, ca), and
// if not, why. IMSLP marks files public domain in some places only with "Non-PD <place>".
func (f File) PublicDomainIn(jurisdiction string) (bool, string) {
	c := strings.ToLower(f.Copyright)
	if !strings.HasPrefix(c, "public domain") {
		if f.Copyright == "" {
			return false, "no copyright status"
		}
		return false, "not public domain (" + f.Copyright + ")"
	}
	if strings.Contains(c, "non-pd "+jurisdiction) {
		return false, "not public domain in " + strings.ToUpper(jurisdiction) + " (" + f.Copyright + ")"
	}
	return true, ""
}

// IsPDF reports whether the file is a PDF (by its name, as IMSLP names them).
func (f File) IsPDF() bool { return strings.HasSuffix(strings.ToLower(f.Name), ".pdf") }

// IsCompleteScore reports whether the file is a complete score (not parts or a selection).
func (f File) IsCompleteScore() bool {
	return strings.Contains(strings.ToLower(f.Description), "complete score")
}

// Choose picks the best file of w to import in jurisdiction: a PDF, public domain there,
// a complete score before anything else, then the most pages. When none will do, it says
// why of each file.
func (w *Work) Choose(jurisdiction string) (*File, []string) {
	var best *File
	var why []string
	for i := range w.Files {
		f := &w.Files[i]
		if !f.IsPDF() {
			why = append(why, fmt.Sprintf("#%d: not a PDF", f.Index))
			continue
		}
		if ok, reason := f.PublicDomainIn(jurisdiction); !ok {
			why = append(why, fmt.Sprintf("#%d: %s", f.Index, reason))
			continue
		}
		if best == nil || (f.IsCompleteScore() && !best.IsCompleteScore()) ||
			(f.IsCompleteScore() == best.IsCompleteScore() && f.Pages > best.Pages) {
			best = f
		}
	}
	if best == nil && len(w.Files) == 0 {
		why = append(why, "the work has no files")
	}
	return best, why
}
