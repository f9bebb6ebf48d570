package metadata_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/metadata"
)

// TestLocalHeldOutPages scores the local provider on 24 LilyPond scores written for it in
// twelve languages and never tuned on (testdata/heldout: their sources, and what pdfinfo,
// pdftotext and Tesseract made of them; README.md there says how). Three readings: the
// text layer with the information dictionary (what the pipeline has for an engraved PDF),
// the text layer alone, and OCR of the page scanned (rotated a degree, noise, JPEG). A
// wanted "" means the field must stay empty. It fails below floors set before its first run.
func TestLocalHeldOutPages(t *testing.T) {
	dir := filepath.Join("testdata", "heldout")
	raw, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	require.NoError(t, err)
	var truth map[string]map[string]string
	require.NoError(t, json.Unmarshal(raw, &truth))
	names := make([]string, 0, len(truth))
	for n := range truth {
		names = append(names, n)
	}
	sort.Strings(names)
	read := func(name, kind string) string {
		b, err := os.ReadFile(filepath.Join(dir, name+"."+kind+".txt"))
		require.NoError(t, err)
		return string(b)
	}
	l := metadata.NewLocal()
	floors := map[string]float64{"text and info": 0.85, "text": 0.8, "ocr": 0.7}
	for _, mode := range []string{"text and info", "text", "ocr"} {
		right, total := map[string]int{}, map[string]int{}
		var misses []string
		for _, name := range names {
			in := metadata.Input{Filename: "score.pdf"}
			switch mode {
			case "text and info":
				in.FirstPageText, in.Info = read(name, "text"), map[string]string{}
				for _, line := range strings.Split(read(name, "info"), "\n") {
					if k, v, ok := strings.Cut(line, ":"); ok {
						in.Info[k] = strings.TrimSpace(v)
					}
				}
			case "text":
				in.FirstPageText = read(name, "text")
			case "ocr":
				in.FirstPageText, in.FirstPageSource = read(name, "ocr"), metadata.SourceOCR
				in.FirstPageConfidence, err = strconv.ParseFloat(strings.TrimSpace(read(name, "ocr.conf")), 64)
				require.NoError(t, err)
			}
			r, err := l.Extract(context.Background(), in)
			require.NoError(t, err)
			for field, want := range truth[name] {
				total[field]++
				got, _ := r[field].Value.(string)
				if got == want {
					right[field]++
				} else {
					misses = append(misses, fmt.Sprintf("%s: %s = %q, want %q", name, field, got, want))
				}
			}
		}
		fields := make([]string, 0, len(total))
		for f := range total {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		all, allRight := 0, 0
		row := mode + ":"
		for _, f := range fields {
			row += fmt.Sprintf(" %s %d/%d", f, right[f], total[f])
			all += total[f]
			allRight += right[f]
		}
		t.Logf("%s; all %d/%d = %.2f", row, allRight, all, float64(allRight)/float64(all))
		for _, m := range misses {
			t.Log("  miss: " + m)
		}
		require.GreaterOrEqual(t, float64(allRight)/float64(all), floors[mode], mode)
	}
}
