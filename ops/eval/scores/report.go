package main

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"time"
)

// The markers around the tables in docs/scores.md; -docs replaces what is between them.
const (
	beginMarker = "<!-- corpus-results:begin -->"
	endMarker   = "<!-- corpus-results:end -->"
)

type subset struct {
	name string
	keep func(result) bool
}

var subsets = []subset{
	{"dev", func(r result) bool { return !r.Holdout }},
	{"held-out", func(r result) bool { return r.Holdout }},
	{"all", func(result) bool { return true }},
}

// share formats right/n for the results rs keeps, over field.
func share(rs []result, field string) string {
	right, n := 0, 0
	for _, r := range rs {
		if ok, scored := r.Correct[field]; scored {
			n++
			if ok {
				right++
			}
		}
	}
	if n == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f (%d/%d)", float64(right)/float64(n), right, n)
}

func filter(rs []result, keep func(result) bool) []result {
	var out []result
	for _, r := range rs {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}

// renderTables: accuracy per set and field (dev, held-out, all), upload-to-ready times,
// and the engraved and scanned sets split by how their pages show a field.
func renderTables(results []result, sets []string) string {
	var b strings.Builder
	present := []string{}
	for _, s := range []string{"engraved", "real", "scanned"} {
		if slices.Contains(sets, s) && len(filter(results, func(r result) bool { return r.Set == s })) > 0 {
			present = append(present, s)
		}
	}
	b.WriteString("Share of files whose field the product got right (right/scored). Empty is right where the page prints\n")
	b.WriteString("nothing; a value there is wrong. `search`: every word of the file's ground truth finds it.\n")
	for _, sub := range []subset{subsets[2], subsets[0], subsets[1]} {
		fmt.Fprintf(&b, "\n%s:\n\n| field |", map[string]string{"all": "All files", "dev": "Development files (not held out)",
			"held-out": "Held-out files"}[sub.name])
		for _, s := range present {
			n := len(filter(results, func(r result) bool { return r.Set == s && sub.keep(r) }))
			fmt.Fprintf(&b, " %s (%d) |", s, n)
		}
		b.WriteString("\n|---|" + strings.Repeat("---|", len(present)) + "\n")
		for _, f := range fields {
			fmt.Fprintf(&b, "| %s |", f)
			for _, s := range present {
				fmt.Fprintf(&b, " %s |", share(filter(results, func(r result) bool { return r.Set == s && sub.keep(r) }), f))
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\nUpload to ready (seconds, each score uploaded and waited for, two at a time):\n\n")
	b.WriteString("| set | files | ready | failed | p50 | p90 | max |\n|---|---|---|---|---|---|---|\n")
	for _, s := range present {
		rs := filter(results, func(r result) bool { return r.Set == s })
		var ds []time.Duration
		ready, failed := 0, 0
		for _, r := range rs {
			switch r.Status {
			case "ready":
				ready++
				ds = append(ds, r.Ready)
			default:
				failed++
			}
		}
		slices.Sort(ds)
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %s | %s | %s |\n", s, len(rs), ready, failed, pct(ds, 0.5), pct(ds, 0.9), pct(ds, 1))
	}

	type split struct {
		set, field, label string
		keep              func(result) bool
	}
	splits := []split{
		{"engraved", "title", "with the information dictionary", func(r result) bool { return r.InfoDict }},
		{"engraved", "title", "without it", func(r result) bool { return !r.InfoDict }},
		{"engraved", "title", "title page, music from page 2", func(r result) bool { return r.TitlePage }},
		{"engraved", "composer", "with the information dictionary", func(r result) bool { return r.InfoDict }},
		{"engraved", "composer", "without it", func(r result) bool { return !r.InfoDict }},
		{"engraved", "key", "printed", func(r result) bool { return r.KeyPrinted }},
		{"engraved", "key", "shown only by the music", func(r result) bool { return !r.KeyPrinted }},
		{"engraved", "instrumentation", "printed (title or staff names)", func(r result) bool { return r.InstrumentationPrinted }},
		{"engraved", "instrumentation", "shown only by the staves", func(r result) bool { return !r.InstrumentationPrinted }},
		{"scanned", "title", "upright (skewed ≤ 2°)", func(r result) bool { return r.Rotation == 0 }},
		{"scanned", "title", "turned 90°, 180° or 270°", func(r result) bool { return r.Rotation != 0 }},
		{"scanned", "composer", "upright (skewed ≤ 2°)", func(r result) bool { return r.Rotation == 0 }},
		{"scanned", "composer", "turned 90°, 180° or 270°", func(r result) bool { return r.Rotation != 0 }},
	}
	b.WriteString("\nBy how the page shows the field (all files of the set):\n\n| set | field | page | right |\n|---|---|---|---|\n")
	for _, sp := range splits {
		if !slices.Contains(present, sp.set) {
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", sp.set, sp.field, sp.label,
			share(filter(results, func(r result) bool { return r.Set == sp.set && sp.keep(r) }), sp.field))
	}
	return b.String()
}

func pct(ds []time.Duration, p float64) string {
	if len(ds) == 0 {
		return "–"
	}
	i := int(p*float64(len(ds))+0.5) - 1
	i = max(0, min(i, len(ds)-1))
	return fmt.Sprintf("%.1f", ds[i].Seconds())
}

// renderMisses lists every field the product got wrong, file by file, with how the page
// shows it.
func renderMisses(results []result) string {
	var b strings.Builder
	rs := slices.Clone(results)
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Path < rs[j].Path })
	n := 0
	for _, r := range rs {
		var lines []string
		for _, f := range fields {
			if ok, scored := r.Correct[f]; !scored || ok {
				continue
			}
			n++
			switch f {
			case "pages":
				lines = append(lines, fmt.Sprintf("  pages: want %d, got %d", r.Pages, r.Got.Pages))
			case "search":
				var missing []string
				for _, w := range r.Search {
					if !r.Got.Found[w] {
						missing = append(missing, w)
					}
				}
				lines = append(lines, fmt.Sprintf("  search: not found by %q", missing))
			default:
				want := r.value(f)
				lines = append(lines, fmt.Sprintf("  %s: want %q, got %q", f, want, r.Got.value(f)))
			}
		}
		if len(lines) == 0 {
			continue
		}
		split := "dev"
		if r.Holdout {
			split = "held-out"
		}
		notes := []string{split, r.Status}
		if r.Failure != "" {
			notes = append(notes, "failure: "+r.Failure)
		}
		if r.Set != "real" {
			notes = append(notes, fmt.Sprintf("info dict %t", r.InfoDict))
		}
		if r.TitlePage {
			notes = append(notes, "title page")
		}
		if r.Rotation != 0 {
			notes = append(notes, fmt.Sprintf("turned %d°", r.Rotation))
		}
		keys := make([]string, 0, len(r.Printed))
		for k := range r.Printed {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			notes = append(notes, fmt.Sprintf("printed %s %q", k, r.Printed[k]))
		}
		if !r.KeyPrinted && r.Key != "" {
			notes = append(notes, "key printed nowhere")
		}
		if r.KeySignature != "" {
			notes = append(notes, "key signature "+r.KeySignature)
		}
		if !r.InstrumentationPrinted && r.Instrumentation != "" {
			notes = append(notes, "instrumentation printed nowhere")
		}
		fmt.Fprintf(&b, "%s  %s  [%s]\n%s\n", r.Path, r.Work, strings.Join(notes, "; "), strings.Join(lines, "\n"))
	}
	return fmt.Sprintf("Misses (%d):\n\n%s", n, b.String())
}

func (r record) value(field string) string {
	switch field {
	case "title":
		return r.Title
	case "subtitle":
		return r.Subtitle
	case "composer":
		return r.Composer
	case "opus":
		return r.Opus
	case "key":
		return r.Key
	case "instrumentation":
		return r.Instrumentation
	}
	return ""
}

// pasteTables replaces the block between the markers in a markdown file with the tables.
func pasteTables(path, tables string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(data)
	i, j := strings.Index(s, beginMarker), strings.Index(s, endMarker)
	if i < 0 || j < i {
		return fmt.Errorf("%s has no %s … %s block for the tables", path, beginMarker, endMarker)
	}
	stamp := fmt.Sprintf("Last run: %s.\n\n", time.Now().UTC().Format("2006-01-02"))
	s = s[:i+len(beginMarker)] + "\n" + stamp + tables + s[j:]
	return os.WriteFile(path, []byte(s), 0o644)
}
