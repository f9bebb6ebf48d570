package scores_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/ai"
	"github.com/mirubato/mirubato/internal/ai/aitest"
	"github.com/mirubato/mirubato/internal/blob"
	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/metadata"
	"github.com/mirubato/mirubato/internal/pdf"
	"github.com/mirubato/mirubato/internal/pdf/pdftest"
	"github.com/mirubato/mirubato/internal/store"
)

// TestMetadataVisionPath: a score whose first page has no text (a scan, OCR off) is shown
// to the model as page 1's image, an image part of the chat request; what the model reads
// is the score's metadata. A score with text is sent as text only.
func TestMetadataVisionPath(t *testing.T) {
	t.Parallel()
	pool, _ := dbtest.NewDatabase(t)
	blobs, err := blob.NewFS(t.TempDir())
	require.NoError(t, err)
	ctx := context.Background()
	fake := aitest.New(t, "k", aitest.Reply{Status: http.StatusOK, Content: `{"title":{"value":"Gymnopédie No. 1","confidence":0.9},
		"composer":{"value":"Erik Satie","confidence":0.9}}`})
	d := deps(pool, blobs, dbtest.Logger(t))
	d.Metadata = metadata.NewOpenAI(ai.Config{BaseURL: fake.URL, APIKey: "k"}, "m")
	d.Fallback = metadata.NewLocal()

	page, err := pdf.Tools{}.Render(ctx, pdftest.Build(pdftest.Doc{Pages: [][]string{{"Gymnopedie No. 1", "Erik Satie"}}}), 150, 0)
	require.NoError(t, err)
	scan, err := pdf.FromImages(ctx, [][]byte{page}, limits)
	require.NoError(t, err)
	sc := accept(t, pool, blobs, scan)
	c, err := startClient(ctx, pool, d, time.Minute)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, c.Stop(ctx)) })

	ready := waitStatus(t, pool, sc.ID, store.ScoreReady, 30*time.Second)
	require.Equal(t, "Gymnopédie No. 1", ready.Title)
	require.Equal(t, "Erik Satie", ready.Composer)
	reqs := fake.Requests()
	require.Len(t, reqs, 1)
	img := imagePart(t, reqs[0])
	require.NotEmpty(t, img, "page 1's image was sent")
	png, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(img, "data:image/png;base64,"))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(png), "\x89PNG"))

	// A score with a text layer: text only.
	sc = accept(t, pool, blobs, pdftest.Build(pdftest.Doc{Pages: [][]string{{"Six Gnossiennes for piano",
		"Erik Satie", "Lent, sur la langue", "Premiere edition, Paris, Rouart Lerolle et Cie"}}}))
	waitStatus(t, pool, sc.ID, store.ScoreReady, 30*time.Second)
	reqs = fake.Requests()
	require.Len(t, reqs, 2)
	require.True(t, imagePart(t, reqs[1]) == "", "a page with text is sent as text only")
}

// imagePart returns the data URL of the first image part of a chat request's messages.
func imagePart(t *testing.T, req map[string]any) string {
	t.Helper()
	msgs, _ := req["messages"].([]any)
	for _, m := range msgs {
		parts, _ := m.(map[string]any)["content"].([]any)
		for _, p := range parts {
			part, _ := p.(map[string]any)
			if part["type"] == "image_url" {
				u, _ := part["image_url"].(map[string]any)["url"].(string)
				return u
			}
		}
	}
	return ""
}
