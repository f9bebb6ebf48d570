// Command scores builds the scores corpus that ops/eval/scores measures the product with:
// engraved scores made with LilyPond from the works in works.go (title pages in eight
// languages, with and without the PDF's information dictionary, title-only first pages,
// keys and instruments printed nowhere but in the music), the real engraved scores of
// Debian's lilypond-doc-pdf (real.json), and scanned versions of a subset of both
// (rasterised, skewed, noisy, JPEG-compressed, image-only PDFs; a few upside down or
// sideways). It writes the files and truth.json, the ground truth of every file, into -out;
// files whose sources did not change are kept.
//
//	go run ./ops/corpus/scores -out .cache/corpus [-update-truth]
//
// The ground truth is also committed (ops/corpus/scores/truth.json): a build whose truth
// differs from it fails until it is regenerated with -update-truth and reviewed.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// record is the ground truth of one corpus file. Field values are what a musician reads on
// the page, in the normal forms the harness compares against; the rest says how the page
// shows them, for reading the misses.
type record struct {
	Path        string   `json:"path"`
	Set         string   `json:"set"` // engraved, scanned or real
	Work        string   `json:"work"`
	Holdout     bool     `json:"holdout"`
	Title       string   `json:"title"`
	TitleAlt    []string `json:"title_alt,omitempty"`
	Subtitle    string   `json:"subtitle"`
	Composer    string   `json:"composer"`
	ComposerAlt []string `json:"composer_alt,omitempty"`
	Opus        string   `json:"opus"`
	Key         string   `json:"key"`
	// KeySignature is what the music's key signature shows ("3 flats"; not scored).
	KeySignature    string   `json:"key_signature,omitempty"`
	Instrumentation string   `json:"instrumentation"`
	Pages           int      `json:"pages"`
	Search          []string `json:"search"`
	// Skip lists fields the page does not settle (real scores only); they are not scored.
	Skip []string `json:"skip,omitempty"`

	Language               string            `json:"language,omitempty"`
	InfoDict               bool              `json:"info_dict"`
	TitlePage              bool              `json:"title_page,omitempty"`
	KeyPrinted             bool              `json:"key_printed"`
	InstrumentationPrinted bool              `json:"instrumentation_printed"`
	Printed                map[string]string `json:"printed,omitempty"`
	Rotation               int               `json:"rotation,omitempty"`
	Source                 string            `json:"source,omitempty"`
}

// holdout: about 30% of the works, fixed by their id, are kept out of development.
func holdout(id string) bool {
	h := fnv.New32a()
	_, _ = h.Write([]byte("holdout:" + id))
	return h.Sum32()%10 < 3
}

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	here := "ops/corpus/scores"
	out := flag.String("out", ".cache/corpus", "directory the corpus is built into")
	truthPath := flag.String("truth", filepath.Join(here, "truth.json"), "the committed ground truth")
	realPath := flag.String("real", filepath.Join(here, "real.json"), "ground truth of the real engraved scores")
	docs := flag.String("docs", "/usr/share/doc/lilypond/html/Documentation/ly-examples", "lilypond-doc-pdf's example scores")
	update := flag.Bool("update-truth", false, "write the built ground truth to -truth")
	jobs := flag.Int("jobs", runtime.NumCPU(), "parallel LilyPond and ImageMagick processes")
	flag.Parse()

	convert, err := imageMagick()
	if err != nil {
		return err
	}
	for _, tool := range []string{"lilypond", "qpdf", "pdftoppm", "pdfinfo", "img2pdf"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s is not installed (ops/setup corpus installs it)", tool)
		}
	}
	for _, d := range []string{"ly", "engraved", "real", "scanned"} {
		if err := os.MkdirAll(filepath.Join(*out, d), 0o755); err != nil {
			return err
		}
	}
	start := time.Now()

	// Engraved: one LilyPond source per work, engraved when it changed.
	var records []record
	var stale []string
	ids := map[string]bool{}
	for i, w := range works {
		if ids[w.id] {
			return fmt.Errorf("work %s twice", w.id)
		}
		ids[w.id] = true
		k, err := parseKey(w.key)
		if err != nil {
			return fmt.Errorf("work %s: %w", w.id, err)
		}
		name := fmt.Sprintf("e%03d", i+1)
		v := chooseVariant(w, k)
		src := engrave(w, v, k)
		lyPath := filepath.Join(*out, "ly", name+".ly")
		pdfPath := filepath.Join(*out, "engraved", name+".pdf")
		changed, err := writeIfChanged(lyPath, []byte(src+infoMarker(v.infoDict)))
		if err != nil {
			return err
		}
		if changed || !exists(pdfPath) {
			stale = append(stale, name)
		}
		records = append(records, engravedRecord(w, v, "engraved/"+name+".pdf"))
	}
	if len(stale) > 0 {
		fmt.Fprintf(os.Stderr, "corpus: engraving %d scores with LilyPond\n", len(stale))
		if err := engraveAll(ctx, *out, stale, *jobs); err != nil {
			return err
		}
		for _, name := range stale {
			ly, _ := os.ReadFile(filepath.Join(*out, "ly", name+".ly"))
			keepInfo := bytes.HasSuffix(ly, []byte(infoMarker(true)))
			if err := finishPDF(ctx, filepath.Join(*out, "ly", name+".pdf"), filepath.Join(*out, "engraved", name+".pdf"), keepInfo); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}

	// Real engraved scores, as Debian ships them.
	reals, err := loadReal(*realPath)
	if err != nil {
		return err
	}
	for i := range reals {
		r := &reals[i]
		src := filepath.Join(*docs, r.Source)
		data, err := os.ReadFile(src)
		if err != nil {
			return fmt.Errorf("real score %s: %w (ops/setup corpus installs lilypond-doc-pdf)", r.Source, err)
		}
		r.Path = fmt.Sprintf("real/r%02d.pdf", i+1)
		if _, err := writeIfChanged(filepath.Join(*out, r.Path), data); err != nil {
			return err
		}
		r.Set, r.Holdout, r.InfoDict = "real", holdout(r.Work), true
	}
	records = append(records, reals...)

	// Page counts, as the files have them.
	for i := range records {
		n, err := pageCount(ctx, filepath.Join(*out, records[i].Path))
		if err != nil {
			return err
		}
		records[i].Pages = n
	}

	// Scanned versions of a subset.
	scans := chooseScans(records)
	fmt.Fprintf(os.Stderr, "corpus: %d engraved, %d real, %d scanned\n", len(works), len(reals), len(scans))
	if err := scanAll(ctx, *out, convert, scans, *jobs); err != nil {
		return err
	}
	for _, s := range scans {
		r := s.record
		r.Path, r.Set, r.Source, r.Rotation = s.path, "scanned", s.from.Path, s.params.rotation
		r.InfoDict = false // an image has none; the ground truth is what the page prints
		if r.Pages, err = pageCount(ctx, filepath.Join(*out, r.Path)); err != nil {
			return err
		}
		records = append(records, r)
	}
	sort.SliceStable(records, func(i, j int) bool { return setOrder(records[i].Set) < setOrder(records[j].Set) })

	data, err := json.MarshalIndent(records, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if *update {
		if _, err := writeIfChanged(*truthPath, data); err != nil {
			return err
		}
	} else if committed, err := os.ReadFile(*truthPath); err != nil || !bytes.Equal(committed, data) {
		return fmt.Errorf("the built ground truth differs from %s: review the change, then run with -update-truth and commit it", *truthPath)
	}
	// Written last, and always: make rebuilds the corpus when a source is newer than it.
	if err := os.WriteFile(filepath.Join(*out, "truth.json"), data, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "corpus: %d files in %s (%s)\n", len(records), *out, time.Since(start).Round(time.Second))
	return nil
}

func setOrder(s string) int { return map[string]int{"engraved": 0, "real": 1, "scanned": 2}[s] }

// infoMarker ends a LilyPond source with whether its PDF keeps the information dictionary,
// so changing that alone rebuilds the file.
func infoMarker(keep bool) string { return fmt.Sprintf("%% info dictionary: %t\n", keep) }

func engravedRecord(w work, v variant, path string) record {
	c := composers[w.composer]
	r := record{
		Path: path, Set: "engraved", Work: w.id, Holdout: holdout(w.id), Language: w.lang,
		Title: w.title, Subtitle: w.subtitle, Composer: c.canon, ComposerAlt: c.aliases,
		Opus: w.cat.canonical(), Key: w.key, KeySignature: keySignature(w.key), Instrumentation: w.instr,
		Search:     searchWords(w, v),
		InfoDict:   v.infoDict,
		TitlePage:  v.titlePage,
		KeyPrinted: v.keyWhere != "none",
		InstrumentationPrinted: v.instrWhere == "header" || v.instrWhere == "line" ||
			(v.staffNames && w.instr != "piano"),
		Printed: map[string]string{"composer": v.composer},
	}
	if v.titleLine != w.title {
		r.TitleAlt = []string{v.titleLine}
	}
	for name, s := range map[string]string{"key": v.keyText, "instrumentation": v.instrText, "opus": v.opusText, "title_line": v.titleLine} {
		if s != "" {
			r.Printed[name] = s
		}
	}
	return r
}

// engraveAll runs LilyPond over the stale sources, a batch per process (its start-up is
// most of a small score's time).
func engraveAll(ctx context.Context, out string, names []string, jobs int) error {
	jobs = max(jobs, 1)
	batches := make([][]string, jobs)
	for i, n := range names {
		batches[i%jobs] = append(batches[i%jobs], n)
	}
	var wg sync.WaitGroup
	errs := make([]error, jobs)
	for j, batch := range batches {
		if len(batch) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for start := 0; start < len(batch); start += 12 {
				part := batch[start:min(start+12, len(batch))]
				args := []string{"-s", "-dno-point-and-click"}
				for _, n := range part {
					_ = os.Remove(filepath.Join(out, "ly", n+".pdf"))
					args = append(args, n+".ly")
				}
				cmd := exec.CommandContext(ctx, "lilypond", args...)
				cmd.Dir = filepath.Join(out, "ly")
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				err := cmd.Run()
				for _, n := range part {
					if !exists(filepath.Join(out, "ly", n+".pdf")) {
						errs[j] = errors.Join(errs[j], fmt.Errorf("lilypond made no PDF of %s.ly (%w): %s", n, err, lastLines(stderr.String(), 12)))
					}
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// finishPDF puts LilyPond's PDF in place: as it is, or without its information dictionary
// and XMP metadata (qpdf copies the pages into an empty document).
func finishPDF(ctx context.Context, from, to string, keepInfo bool) error {
	if keepInfo {
		data, err := os.ReadFile(from)
		if err != nil {
			return err
		}
		return os.WriteFile(to, data, 0o644)
	}
	cmd := exec.CommandContext(ctx, "qpdf", "--empty", "--pages", from, "--", to)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("qpdf: %w: %s", err, out)
	}
	return nil
}

func loadReal(path string) ([]record, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rs []record
	if err := json.Unmarshal(data, &rs); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rs, nil
}

func pageCount(ctx context.Context, path string) (int, error) {
	out, err := exec.CommandContext(ctx, "pdfinfo", path).Output()
	if err != nil {
		return 0, fmt.Errorf("pdfinfo %s: %w", path, err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "Pages:"); ok {
			return strconv.Atoi(strings.TrimSpace(v))
		}
	}
	return 0, fmt.Errorf("pdfinfo %s: no page count", path)
}

// imageMagick finds ImageMagick's command: magick (version 7), else Debian's convert (6).
// /usr/local/bin may hold a stand-in convert that shadows the real one; it is not used.
func imageMagick() (string, error) {
	if p, err := exec.LookPath("magick"); err == nil {
		return p, nil
	}
	for _, p := range []string{"/usr/bin/convert-im6.q16", "/usr/bin/convert"} {
		if exists(p) {
			return p, nil
		}
	}
	return "", errors.New("ImageMagick is not installed (ops/setup corpus installs it)")
}

func writeIfChanged(path string, data []byte) (bool, error) {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return false, nil
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return false, err
	}
	return true, os.Rename(tmp, path)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func fileHash(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
