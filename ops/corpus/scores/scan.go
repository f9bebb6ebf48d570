package main

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// scanParams: how one page is "scanned": resolution, skew, noise, blur, JPEG quality, and
// a whole-page rotation for a page photographed sideways or upside down.
type scanParams struct {
	dpi      int
	skew     float64 // degrees, ±0.5–2
	noise    float64 // ImageMagick's -attenuate for Gaussian noise
	blur     float64 // sigma, pixels
	quality  int
	rotation int // 0, 90, 180 or 270
}

func (p scanParams) String() string {
	return fmt.Sprintf("dpi=%d skew=%.2f noise=%.2f blur=%.2f quality=%d rotation=%d", p.dpi, p.skew, p.noise, p.blur, p.quality, p.rotation)
}

// scanPages: a scan holds at most the first pages of its score (the title and the music's
// start: what is read; ImageMagick's work grows with every page).
const scanPages = 2

type scan struct {
	record        // the ground truth (the scanned file's)
	from   record // the file scanned
	path   string // the scan's path in the corpus
	params scanParams
}

// realScans: the real scores that are also scanned.
var realScans = map[string]bool{"bach-bwv610": true, "handel-sesto-piano": true, "haipeng-violent-dance": true}

// chooseScans picks about 30% of the engraved scores (by a hash of the work, so the choice
// is stable), and some real ones; one in eight of the engraved ones is turned a quarter or
// half turn.
func chooseScans(records []record) []scan {
	var out []scan
	for _, r := range records {
		h := fnv.New32a()
		_, _ = h.Write([]byte("scan:" + r.Work))
		pickIt := h.Sum32()%100 < 30
		if r.Set == "real" {
			pickIt = realScans[r.Work]
		}
		if !pickIt {
			continue
		}
		rng := seeded("scan:" + r.Work)
		p := scanParams{
			dpi:     []int{200, 240, 300}[rng.IntN(3)],
			skew:    (0.5 + rng.Float64()*1.5) * float64(1-2*rng.IntN(2)),
			noise:   0.2 + rng.Float64()*0.5,
			blur:    0.3 + rng.Float64()*0.5,
			quality: 60 + rng.IntN(26),
		}
		out = append(out, scan{record: r, from: r, params: p})
	}
	// Every eighth engraved scan is turned: upside down, or sideways either way.
	turned := 0
	for i := range out {
		if out[i].Set == "engraved" && i%8 == 3 {
			out[i].params.rotation = []int{180, 90, 270}[turned%3]
			turned++
		}
	}
	for i := range out {
		out[i].path = fmt.Sprintf("scanned/s%03d.pdf", i+1)
	}
	return out
}

// scanAll makes the scans whose source or parameters changed.
func scanAll(ctx context.Context, out, convert string, scans []scan, jobs int) error {
	var todo []scan
	for _, s := range scans {
		stamp, err := scanStamp(out, s)
		if err != nil {
			return err
		}
		old, _ := os.ReadFile(filepath.Join(out, s.path+".stamp"))
		if string(old) != stamp || !exists(filepath.Join(out, s.path)) {
			todo = append(todo, s)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	fmt.Fprintf(os.Stderr, "corpus: scanning %d scores\n", len(todo))
	work := make(chan scan)
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for range max(jobs, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range work {
				if err := scanOne(ctx, out, convert, s); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("%s: %w", s.path, err))
					mu.Unlock()
				}
			}
		}()
	}
	for _, s := range todo {
		work <- s
	}
	close(work)
	wg.Wait()
	return errors.Join(errs...)
}

func scanStamp(out string, s scan) (string, error) {
	h, err := fileHash(filepath.Join(out, s.from.Path))
	if err != nil {
		return "", err
	}
	return s.params.String() + " source=" + h + "\n", nil
}

// scanOne rasterises each page in grey, skews it, adds paper tone, noise and blur, saves
// it as a JPEG with its resolution, and wraps the pages as an image-only PDF.
func scanOne(ctx context.Context, out, convert string, s scan) error {
	tmp, err := os.MkdirTemp("", "corpus-scan-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	p := s.params
	src := filepath.Join(out, s.from.Path)
	if b, err := exec.CommandContext(ctx, "pdftoppm", "-r", fmt.Sprint(p.dpi), "-l", fmt.Sprint(scanPages), "-gray", "-png", src, filepath.Join(tmp, "p")).CombinedOutput(); err != nil {
		return fmt.Errorf("pdftoppm: %w: %s", err, b)
	}
	pngs, _ := filepath.Glob(filepath.Join(tmp, "p-*.png"))
	sort.Strings(pngs)
	if len(pngs) == 0 {
		return errors.New("pdftoppm made no pages")
	}
	var jpgs []string
	for i, png := range pngs {
		jpg := filepath.Join(tmp, fmt.Sprintf("s-%03d.jpg", i+1))
		args := []string{png,
			"-background", "white", "-rotate", fmt.Sprintf("%.2f", p.skew),
			"+level", "5%,95%",
			"-attenuate", fmt.Sprintf("%.2f", p.noise), "+noise", "Gaussian",
			"-blur", fmt.Sprintf("0x%.2f", p.blur),
		}
		if p.rotation != 0 {
			args = append(args, "-rotate", fmt.Sprint(p.rotation))
		}
		args = append(args, "-colorspace", "Gray", "-units", "PixelsPerInch", "-density", fmt.Sprint(p.dpi),
			"-quality", fmt.Sprint(p.quality), "-strip", jpg)
		if strings.HasSuffix(convert, "magick") {
			args = append([]string{"convert"}, args...)
		}
		cmd := exec.CommandContext(ctx, convert, args...)
		// One thread per process: the scans run side by side, one per core.
		cmd.Env = append(os.Environ(), "MAGICK_THREAD_LIMIT=1")
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("imagemagick: %w: %s", err, b)
		}
		jpgs = append(jpgs, jpg)
	}
	dst := filepath.Join(out, s.path)
	args := append([]string{"--output", dst + ".tmp"}, jpgs...)
	if b, err := exec.CommandContext(ctx, "img2pdf", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("img2pdf: %w: %s", err, b)
	}
	if err := os.Rename(dst+".tmp", dst); err != nil {
		return err
	}
	stamp, err := scanStamp(out, s)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, s.path+".stamp"), []byte(stamp), 0o644)
}
