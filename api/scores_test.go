package api_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/blob"
	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/engraving"
	"github.com/mirubato/mirubato/internal/fetch"
	"github.com/mirubato/mirubato/internal/metadata"
	"github.com/mirubato/mirubato/internal/pdf"
	"github.com/mirubato/mirubato/internal/pdf/pdftest"
	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/scores"
	"github.com/mirubato/mirubato/workers"
)

func init() {
	// Binary responses are checked against the document like the others.
	openapi3filter.RegisterBodyDecoder("application/pdf", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("image/png", openapi3filter.FileBodyDecoder)
}

// scorePDF is a PDF of n pages with page numbers as their text.
func scorePDF(n int) []byte {
	pages := make([][]string, n)
	for i := range pages {
		pages[i] = []string{fmt.Sprintf("page %d", i+1)}
	}
	return pdftest.Build(pdftest.Doc{Pages: pages})
}

// multipartBody is a form with a file field "file" and the given fields.
func multipartBody(t testing.TB, filename string, data []byte, fields map[string]string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if filename != "" {
		fw, err := w.CreateFormFile("file", filename)
		require.NoError(t, err)
		_, err = fw.Write(data)
		require.NoError(t, err)
	}
	for k, v := range fields {
		require.NoError(t, w.WriteField(k, v))
	}
	require.NoError(t, w.Close())
	return &buf, w.FormDataContentType()
}

func (b *testBundle) uploadRaw(t testing.TB, tok, filename string, data []byte, fields map[string]string) (*http.Response, []byte) {
	t.Helper()
	body, ct := multipartBody(t, filename, data, fields)
	return b.do(t, http.MethodPost, "/api/scores", body, http.Header{"Authorization": {"Bearer " + tok}, "Content-Type": {ct}})
}

type scoreBody struct {
	store.Score
	Pipeline *struct {
		RunID  string                   `json:"run_id"`
		State  string                   `json:"state"`
		Step   string                   `json:"step"`
		Steps  map[string]store.RunStep `json:"steps"`
		Error  *string                  `json:"error"`
		Status string                   `json:"score_status"`
	} `json:"pipeline"`
}

// upload posts a score and requires a 202.
func (b *testBundle) upload(t *testing.T, tok, filename string, data []byte, fields map[string]string) scoreBody {
	t.Helper()
	resp, out := b.uploadRaw(t, tok, filename, data, fields)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(out))
	return decodeAs[scoreBody](t, out)
}

// startWorkers runs the pipelines' workers on the bundle's database until the test ends.
func (b *testBundle) startWorkers(t *testing.T) {
	t.Helper()
	logger := dbtest.Logger(t)
	w, _ := workers.Pipelines(workers.Deps{Pool: b.pool, Logger: logger, Blobs: b.blobs, Scores: &scores.Deps{
		Pool: b.pool, Blobs: b.blobs, Logger: logger, Limits: scoreLimits, DPI: 40,
		Tools: pdf.Tools{Timeout: 30 * time.Second}, Metadata: metadata.NewLocal(), OCR: b.ocr, Music: engraving.Reader{},
		Fetcher: fetch.New(fetch.Options{MaxBytes: scoreLimits.MaxBytes, Timeout: 5 * time.Second, AllowPrivate: !b.strictFetch}),
	}})
	client, err := river.NewClient(riverpgxv5.New(b.pool), &river.Config{Logger: logger, Workers: w,
		Queues: map[string]river.QueueConfig{queues.Default: {MaxWorkers: 2}, queues.Scores: {MaxWorkers: 2},
			queues.Analytics: {MaxWorkers: 2}, queues.Sync: {MaxWorkers: 2}},
		FetchCooldown: time.Millisecond, FetchPollInterval: 20 * time.Millisecond})
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, client.Start(ctx))
	t.Cleanup(func() { require.NoError(t, client.Stop(ctx)) })
}

func (b *testBundle) waitScore(t *testing.T, tok, id, status string) scoreBody {
	t.Helper()
	var last scoreBody
	require.Eventually(t, func() bool {
		resp, data := b.call(t, "GET", "/api/scores/"+id, tok, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		last = decodeAs[scoreBody](t, data)
		return last.Status == status
	}, 3*time.Minute, 50*time.Millisecond, "score %s never became %s", id, status)
	return last
}

// blobFiles lists the files in the bundle's blob store.
func blobFiles(t *testing.T, b *testBundle) []string {
	t.Helper()
	fs, ok := b.blobs.(*blob.FS)
	require.True(t, ok)
	var out []string
	require.NoError(t, filepath.WalkDir(fs.Root(), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, path)
		}
		return err
	}))
	return out
}

func TestScoreUploadToReady(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.startWorkers(t)
	owner, tok := b.user(t, "pianist@example.com")
	_, otherTok := b.user(t, "other@example.com")
	ctx := context.Background()

	data := pdftest.Build(pdftest.Doc{
		Pages: [][]string{{"Nocturne", "Frederic Chopin", "Op. 9 No. 2", "Andante"}, {"page 2"}, {"page 3"},
			{"page 4"}, {"page 5"}, {"page 6"}, {"page 7"}, {"page 8"}, {"page 9"}, {"page 10"}},
		Info: map[string]string{"Title": "Nocturne in E-flat major", "Composer": "F. Chopin", "Subtitle": "Op. 9, No. 2"},
	})
	sc := b.upload(t, tok, "chopin-nocturne.pdf", data, map[string]string{"visibility": "private"})
	require.Equal(t, store.ScoreProcessing, sc.Status)
	require.Equal(t, 10, sc.PageCount)
	require.Equal(t, owner.ID, sc.OwnerID)
	require.NotNil(t, sc.Pipeline)
	require.Equal(t, "running", sc.Pipeline.State)

	ready := b.waitScore(t, tok, sc.ID.String(), store.ScoreReady)
	require.Equal(t, "done", ready.Pipeline.State)
	for _, step := range []string{scores.StepSplit, scores.StepRender, scores.StepText, scores.StepMetadata, scores.StepIndex} {
		require.Equal(t, "done", ready.Pipeline.Steps[step].State, step)
	}
	require.Equal(t, 3, ready.Pipeline.Steps[scores.StepRender].Total, "10 pages in batches of 4")
	require.Equal(t, 5, ready.Pipeline.Steps[scores.StepText].Total, "10 pages in batches of 2")
	require.Equal(t, "Nocturne in E-flat major", ready.Title)
	require.Equal(t, "Frédéric Chopin", ready.Composer)
	require.Equal(t, "Op. 9 No. 2", ready.Opus)
	require.Equal(t, metadata.SourceInfoDict, ready.Extracted["title"].Source)
	require.Equal(t, "E-flat major", ready.Extracted["key"].Value)
	require.Equal(t, "Romantic", ready.Extracted["period"].Value)

	// Each page once, with its own text; images and thumbnail are PNGs.
	var pages, withImage int
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT count(*), count(png_key) FROM score_pages WHERE score_id = $1`, sc.ID).Scan(&pages, &withImage))
	require.Equal(t, 10, pages)
	require.Equal(t, 10, withImage)
	var text string
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT text FROM score_pages WHERE score_id = $1 AND n = 7`, sc.ID).Scan(&text))
	require.Equal(t, "page 7", text)
	resp, page := b.call(t, "GET", "/api/scores/"+sc.ID.String()+"/pages/7", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "application/pdf", resp.Header.Get("Content-Type"))
	onePage, err := pdf.Open(ctx, page, scoreLimits)
	require.NoError(t, err)
	require.Equal(t, 1, onePage.Pages)
	resp, png := b.call(t, "GET", "/api/scores/"+sc.ID.String()+"/pages/7.png", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.True(t, bytes.HasPrefix(png, []byte("\x89PNG")))
	resp, thumb := b.call(t, "GET", "/api/scores/"+sc.ID.String()+"/thumbnail.png", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.True(t, bytes.HasPrefix(thumb, []byte("\x89PNG")))
	resp, original := b.call(t, "GET", "/api/scores/"+sc.ID.String()+"/download", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, data, original)
	require.Contains(t, resp.Header.Get("Content-Disposition"), "chopin-nocturne.pdf")
	resp, _ = b.call(t, "GET", "/api/scores/"+sc.ID.String()+"/pages/11", tok, nil, nil)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp, status := b.call(t, "GET", "/api/import/status/"+sc.ID.String(), tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, string(status), `"state":"done"`)
	require.Contains(t, string(status), `"progress":1`)
	require.Contains(t, string(status), `"kind":"score"`)

	// Private: nobody else sees it, in any way.
	for _, p := range []string{"", "/pages/1", "/pages/1.png", "/download", "/thumbnail.png"} {
		resp, data := b.call(t, "GET", "/api/scores/"+sc.ID.String()+p, otherTok, nil, nil)
		requireError(t, resp, data, http.StatusNotFound, "not_found")
	}
	resp, data = b.call(t, "GET", "/api/scores", otherTok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Empty(t, decodeAs[store.Page[store.Score]](t, data).Items)

	// The owner corrects the title and publishes it; reprocessing keeps the correction.
	resp, data = b.call(t, "PUT", "/api/scores/"+sc.ID.String(), tok,
		map[string]any{"visibility": "public", "metadata": map[string]any{"title": "Nocturne Op. 9/2", "difficulty": 6}},
		http.Header{"If-Match": {fmt.Sprintf(`"%d"`, ready.Version)}})
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	updated := decodeAs[scoreBody](t, data)
	require.Equal(t, "Nocturne Op. 9/2", updated.Title)
	require.Equal(t, 6, *updated.Difficulty)
	require.Equal(t, "Nocturne in E-flat major", updated.Extracted["title"].Value, "what was extracted stays visible")
	resp, data = b.call(t, "PUT", "/api/scores/"+sc.ID.String(), tok,
		map[string]any{"visibility": "public", "metadata": map[string]any{"difficulty": 11}}, nil)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
	resp, data = b.call(t, "PUT", "/api/scores/"+sc.ID.String(), tok,
		map[string]any{"visibility": "public", "metadata": map[string]any{"colour": "blue"}}, nil)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")

	resp, data = b.call(t, "POST", "/api/scores/"+sc.ID.String()+"/reprocess", tok, nil, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
	require.NotEqual(t, ready.Pipeline.RunID, decodeAs[scoreBody](t, data).Pipeline.RunID)
	again := b.waitScore(t, tok, sc.ID.String(), store.ScoreReady)
	require.Equal(t, "Nocturne Op. 9/2", again.Title, "a correction survives reprocessing")
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT count(*) FROM score_pages WHERE score_id = $1`, sc.ID).Scan(&pages))
	require.Equal(t, 10, pages, "reprocessing makes each page once")

	// Public now: the other user sees it and finds it in the public list.
	resp, _ = b.call(t, "GET", "/api/scores/"+sc.ID.String()+"/pages/1.png", otherTok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	resp, data = b.call(t, "GET", "/api/scores?scope=public", otherTok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Len(t, decodeAs[store.Page[store.Score]](t, data).Items, 1)
	resp, data = b.call(t, "DELETE", "/api/scores/"+sc.ID.String(), otherTok, nil, nil)
	requireError(t, resp, data, http.StatusNotFound, "not_found")

	// Deleting it removes the row and, by a job, every file.
	require.NotEmpty(t, blobFiles(t, b))
	resp, data = b.call(t, "DELETE", "/api/scores/"+sc.ID.String(), tok, nil, nil)
	require.Equal(t, http.StatusNoContent, resp.StatusCode, string(data))
	resp, _ = b.call(t, "GET", "/api/scores/"+sc.ID.String(), tok, nil, nil)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	require.Eventually(t, func() bool { return len(blobFiles(t, b)) == 0 }, 20*time.Second, 50*time.Millisecond)
}

func TestScoreDeleteCancelsPendingJobs(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{}) // no workers: the first job stays pending
	_, tok := b.user(t, "cancel@example.com")
	sc := b.upload(t, tok, "x.pdf", scorePDF(3), nil)
	ctx := context.Background()
	var state string
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT state FROM river_job WHERE kind = 'score_split' AND args->>'score_id' = $1`, sc.ID.String()).Scan(&state))
	require.Equal(t, "available", state)
	resp, data := b.call(t, "DELETE", "/api/scores/"+sc.ID.String(), tok, nil, nil)
	require.Equal(t, http.StatusNoContent, resp.StatusCode, string(data))
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT state FROM river_job WHERE kind = 'score_split' AND args->>'score_id' = $1`, sc.ID.String()).Scan(&state))
	require.Equal(t, "cancelled", state)
	var runState string
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT state FROM pipeline_runs WHERE id = $1`, sc.Pipeline.RunID).Scan(&runState))
	require.Equal(t, "cancelled", runState)
	var now, later int
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE scheduled_at <= now()),
		count(*) FILTER (WHERE scheduled_at > now() + interval '5 minutes') FROM river_job WHERE kind = 'score_delete_blobs'`).Scan(&now, &later))
	require.Equal(t, []int{1, 1}, []int{now, later},
		"the files go by a job written in the same transaction, and again once jobs still running have ended")
}

// TestScoreRefusals: every malformed file, and every malformed request, gets a 4xx with a
// message a person understands and leaves no row, no job and no file behind.
func TestScoreRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	_, tok := b.user(t, "refused@example.com")
	ctx := context.Background()

	dir := filepath.Join("..", "internal", "pdf", "testdata", "malformed")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.NotEmpty(t, entries)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		resp, body := b.uploadRaw(t, tok, e.Name(), data, nil)
		eb := requireError(t, resp, body, http.StatusUnprocessableEntity, "invalid_pdf")
		require.NotEmpty(t, eb.Error.Message, e.Name())
		require.NotContains(t, eb.Error.Message, "xref", "%s: the reason is for people, not a parser trace", e.Name())
	}
	big := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), int(scoreLimits.MaxBytes))...)
	resp, body := b.uploadRaw(t, tok, "big.pdf", big, nil)
	eb := requireError(t, resp, body, http.StatusRequestEntityTooLarge, "payload_too_large")
	require.Contains(t, eb.Error.Message, "the limit is 2 MB")
	resp, body = b.uploadRaw(t, tok, "", nil, map[string]string{"title": "no file"})
	requireError(t, resp, body, http.StatusUnprocessableEntity, "validation_failed")
	resp, body = b.uploadRaw(t, tok, "ok.pdf", scorePDF(1), map[string]string{"visibility": "everyone"})
	requireError(t, resp, body, http.StatusUnprocessableEntity, "validation_failed")
	resp, body = b.uploadRaw(t, tok, "ok.pdf", scorePDF(1), map[string]string{"colour": "blue"})
	requireError(t, resp, body, http.StatusUnprocessableEntity, "validation_failed")
	resp, body = b.call(t, "POST", "/api/scores", tok, map[string]any{"file": "not multipart"}, nil)
	requireError(t, resp, body, http.StatusUnsupportedMediaType, "unsupported_media_type")
	tooMany := scorePDF(scoreLimits.MaxPages + 1)
	resp, body = b.uploadRaw(t, tok, "long.pdf", tooMany, nil)
	eb = requireError(t, resp, body, http.StatusUnprocessableEntity, "invalid_pdf")
	require.Equal(t, fmt.Sprintf("the PDF has %d pages; the limit is %d", scoreLimits.MaxPages+1, scoreLimits.MaxPages), eb.Error.Message)

	var rows, jobs, runs int
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM scores), (SELECT count(*) FROM river_job WHERE kind LIKE 'score%'),
		(SELECT count(*) FROM pipeline_runs)`).Scan(&rows, &jobs, &runs))
	require.Zero(t, rows+jobs+runs, "nothing written")
	require.Empty(t, blobFiles(t, b), "no file stored")

	// A name with a path and control characters is kept as a plain base name.
	sc := b.upload(t, tok, "../../etc/passwd.pdf", scorePDF(1), map[string]string{"title": strings.Repeat("t", 10)})
	require.Equal(t, "passwd.pdf", sc.Filename)
	require.Equal(t, strings.Repeat("t", 10), sc.Title, "the uploader's title is a correction")
}

// TestImportURL: a URL import answers 202 at once, before the server at the URL has
// answered; the pipeline's fetch step downloads the file and checks it as an upload is
// checked. What cannot succeed fails the score with its reason and is not retried; a
// server error is retried.
func TestImportURL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	good := pdftest.Build(pdftest.Doc{Pages: [][]string{{"Gymnopedie No. 1"}}, Info: map[string]string{"Composer": "Erik Satie"}})
	release := make(chan struct{})
	var served atomic.Bool
	var flakyCalls atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/satie/gymnopedie.pdf", func(w http.ResponseWriter, r *http.Request) {
		select { // until the test lets it go
		case <-release:
		case <-r.Context().Done():
			return
		}
		served.Store(true)
		_, _ = w.Write(good)
	})
	mux.HandleFunc("/page.html", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>a page</html>")) })
	mux.HandleFunc("/huge.pdf", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write(append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), int(scoreLimits.MaxBytes))...))
	})
	mux.HandleFunc("/flaky.pdf", func(w http.ResponseWriter, _ *http.Request) {
		if flakyCalls.Add(1) == 1 {
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
		_, _ = w.Write(good)
	})
	var published atomic.Bool
	mux.HandleFunc("/later.pdf", func(w http.ResponseWriter, r *http.Request) {
		if !published.Load() {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(good)
	})
	remote := httptest.NewServer(mux) // loopback
	t.Cleanup(remote.Close)

	b := setup(t, setupOpts{})
	b.startWorkers(t)
	_, tok := b.user(t, "importer@example.com")
	post := func(t *testing.T, b *testBundle, tok, url string, header http.Header) scoreBody {
		t.Helper()
		resp, data := b.call(t, "POST", "/api/import/url", tok, map[string]any{"url": url, "visibility": "unlisted"}, header)
		require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
		return decodeAs[scoreBody](t, data)
	}

	t.Run("AnswersBeforeTheFileIsServed", func(t *testing.T) {
		key := http.Header{"Idempotency-Key": {"import-1"}}
		sc := post(t, b, tok, remote.URL+"/satie/gymnopedie.pdf", key)
		require.False(t, served.Load(), "answered while the server at the URL had not answered")
		require.Equal(t, store.ScoreProcessing, sc.Status)
		require.Equal(t, "url", sc.Source)
		require.Equal(t, remote.URL+"/satie/gymnopedie.pdf", *sc.SourceURL)
		require.Equal(t, "gymnopedie.pdf", sc.Filename)
		require.Equal(t, "unlisted", sc.Visibility)
		require.Zero(t, sc.SizeBytes, "not downloaded yet")
		require.Equal(t, "running", sc.Pipeline.State)
		require.Equal(t, scores.StepFetch, sc.Pipeline.Step)

		// The same key again: the first answer, nothing written again.
		resp, data := b.call(t, "POST", "/api/import/url", tok, map[string]any{"url": remote.URL + "/satie/gymnopedie.pdf", "visibility": "unlisted"}, key)
		require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
		require.Equal(t, "true", resp.Header.Get("Idempotent-Replayed"))
		require.Equal(t, sc.ID, decodeAs[scoreBody](t, data).ID)

		close(release)
		ready := b.waitScore(t, tok, sc.ID.String(), store.ScoreReady)
		require.True(t, served.Load())
		require.Equal(t, int64(len(good)), ready.SizeBytes)
		require.Equal(t, 1, ready.PageCount)
		require.Equal(t, "Erik Satie", ready.Composer)
		require.Equal(t, "done", ready.Pipeline.Steps[scores.StepFetch].State)
		resp, orig := b.call(t, "GET", "/api/scores/"+sc.ID.String()+"/download", tok, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, good, orig)
		resp, data = b.call(t, "GET", "/api/import/status/"+sc.ID.String(), tok, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		require.InDelta(t, 1.0, decodeAs[map[string]any](t, data)["progress"], 0)
		var n int
		require.NoError(t, b.pool.QueryRow(ctx, `SELECT count(*) FROM scores WHERE source_url = $1`, remote.URL+"/satie/gymnopedie.pdf").Scan(&n))
		require.Equal(t, 1, n, "one score for the key")
	})

	t.Run("WhatCannotSucceedFailsTheScore", func(t *testing.T) {
		for path, reason := range map[string]string{
			"/page.html": "this is not a PDF file (it does not start with %PDF-)",
			"/gone.pdf":  "the server at the URL answered 404 Not Found",
			"/huge.pdf":  "the file at the URL is larger than the limit of 2 MB",
		} {
			sc := post(t, b, tok, remote.URL+path, nil)
			failed := b.waitScore(t, tok, sc.ID.String(), store.ScoreFailed)
			require.Equal(t, reason, *failed.Failure, path)
			require.Equal(t, "failed", failed.Pipeline.State)
			require.Equal(t, scores.StepFetch, failed.Pipeline.Step)
			require.Equal(t, reason, failed.Pipeline.Steps[scores.StepFetch].Error)
			resp, data := b.call(t, "GET", "/api/import/status/"+sc.ID.String(), tok, nil, nil)
			require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
			status := decodeAs[struct {
				State    string `json:"state"`
				Pipeline struct {
					Error string `json:"error"`
				} `json:"pipeline"`
			}](t, data)
			require.Equal(t, "failed", status.State)
			require.Equal(t, reason, status.Pipeline.Error)
			require.Eventually(t, func() bool {
				var state string
				var attempt int
				require.NoError(t, b.pool.QueryRow(ctx, `SELECT state, attempt FROM river_job WHERE kind = 'score_fetch' AND args->>'score_id' = $1`,
					sc.ID.String()).Scan(&state, &attempt))
				return state == "cancelled" && attempt == 1
			}, 10*time.Second, 20*time.Millisecond, "not retried: %s", path)
		}
	})

	t.Run("ReprocessDownloadsAgain", func(t *testing.T) {
		sc := post(t, b, tok, remote.URL+"/later.pdf", nil)
		b.waitScore(t, tok, sc.ID.String(), store.ScoreFailed)
		published.Store(true)
		resp, data := b.call(t, "POST", "/api/scores/"+sc.ID.String()+"/reprocess", tok, nil, nil)
		require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
		require.Equal(t, scores.StepFetch, decodeAs[scoreBody](t, data).Pipeline.Step, "the file never came: fetched again")
		ready := b.waitScore(t, tok, sc.ID.String(), store.ScoreReady)
		require.Equal(t, int64(len(good)), ready.SizeBytes)
	})

	t.Run("ServerErrorIsRetried", func(t *testing.T) {
		sc := post(t, b, tok, remote.URL+"/flaky.pdf", nil)
		b.waitScore(t, tok, sc.ID.String(), store.ScoreReady)
		require.Equal(t, int32(2), flakyCalls.Load(), "a 500, then the file")
		var attempt int
		require.NoError(t, b.pool.QueryRow(ctx, `SELECT attempt FROM river_job WHERE kind = 'score_fetch' AND args->>'score_id' = $1`,
			sc.ID.String()).Scan(&attempt))
		require.Equal(t, 2, attempt)
	})

	t.Run("MalformedURLIsRefusedAtOnce", func(t *testing.T) {
		for _, bad := range []string{"file:///etc/passwd", "ftp://example.com/a.pdf", "not a url", "http://user:pw@example.com/x.pdf"} {
			resp, data := b.call(t, "POST", "/api/import/url", tok, map[string]any{"url": bad}, nil)
			eb := requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
			require.Equal(t, "url", eb.Error.Details[0].Field, bad)
		}
		resp, data := b.call(t, "POST", "/api/import/url", tok, map[string]any{"url": "https://example.com/" + strings.Repeat("a", 2000)}, nil)
		requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
		var n int
		require.NoError(t, b.pool.QueryRow(ctx, `SELECT count(*) FROM scores WHERE source_url NOT LIKE $1`, remote.URL+"%").Scan(&n))
		require.Zero(t, n, "nothing recorded")
	})

	// The production setting: nothing on loopback (or any other non-public address), which
	// only the download can tell (a name may resolve anywhere).
	t.Run("PrivateAddressFailsTheScore", func(t *testing.T) {
		strict := setup(t, setupOpts{strictFetch: true})
		strict.startWorkers(t)
		_, tok := strict.user(t, "strict@example.com")
		sc := post(t, strict, tok, strings.Replace(remote.URL, "127.0.0.1", "localhost", 1)+"/satie/gymnopedie.pdf", nil)
		failed := strict.waitScore(t, tok, sc.ID.String(), store.ScoreFailed)
		require.Equal(t, "the URL points to a private or local network address, which is not allowed", *failed.Failure)
	})
}

// seedScore records a processed score straight in the store: what the pipeline would have
// extracted, the first page's text, and a status.
func seedScore(t *testing.T, b *testBundle, owner uuid.UUID, visibility string, fields map[string]any, text string) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	id := uuid.New()
	_, err := store.CreateScore(ctx, b.pool, store.NewScore{ID: id, OwnerID: owner, Source: "upload", Filename: "s.pdf",
		SizeBytes: 100, SHA256: "x", PageCount: 1, BlobKey: "scores/" + id.String() + "/original.pdf", Visibility: visibility})
	require.NoError(t, err)
	require.NoError(t, store.PutScorePage(ctx, b.pool, id, 1, "k"))
	require.NoError(t, store.SetScorePageText(ctx, b.pool, id, 1, store.PageText{Text: text, Source: store.PageTextPDF}))
	extracted := map[string]store.MetaValue{}
	for k, v := range fields {
		extracted[k] = store.MetaValue{Value: v, Confidence: 0.9, Source: "info_dict"}
	}
	require.NoError(t, store.SetScoreExtracted(ctx, b.pool, id, extracted))
	_, err = b.pool.Exec(ctx, `UPDATE scores SET status = 'ready' WHERE id = $1`, id)
	require.NoError(t, err)
	return id
}

func TestSearch(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	a, tokA := b.user(t, "a@example.com")
	bUser, _ := b.user(t, "b@example.com")
	nocturne := seedScore(t, b, a.ID, "public", map[string]any{"title": "Nocturne in E-flat major", "composer": "Frédéric Chopin",
		"opus": "Op. 9 No. 2", "instrumentation": "piano", "period": "Romantic", "difficulty": 6}, "Andante espressivo")
	prelude := seedScore(t, b, a.ID, "private", map[string]any{"title": "Prelude in C major", "composer": "Johann Sebastian Bach",
		"opus": "BWV 846", "instrumentation": "piano", "period": "Baroque"}, "Das Wohltemperierte Klavier")
	suite := seedScore(t, b, bUser.ID, "public", map[string]any{"title": "Cello Suite No. 1", "composer": "Johann Sebastian Bach",
		"opus": "BWV 1007", "instrumentation": "cello", "period": "Baroque", "difficulty": 5}, "Prélude")
	seedScore(t, b, bUser.ID, "private", map[string]any{"title": "Secret Sonata", "composer": "Ludwig van Beethoven"}, "sonata")
	seedScore(t, b, bUser.ID, "unlisted", map[string]any{"title": "Unlisted Sonata", "composer": "Ludwig van Beethoven"}, "sonata")

	search := func(query string) store.SearchResult {
		t.Helper()
		resp, data := b.call(t, "GET", "/api/search?"+query, tokA, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		return decodeAs[store.SearchResult](t, data)
	}
	ids := func(r store.SearchResult) []uuid.UUID {
		out := []uuid.UUID{}
		for _, h := range r.Hits {
			out = append(out, h.ID)
		}
		return out
	}
	require.Equal(t, []uuid.UUID{nocturne}, ids(search("q=frederic+chopin")), "accent-insensitive")
	require.Equal(t, []uuid.UUID{nocturne}, ids(search("q=Chopen")), "a misspelled composer")
	require.Equal(t, []uuid.UUID{prelude}, ids(search("q=wohltemperierte")), "page text; my private score")
	require.ElementsMatch(t, []uuid.UUID{prelude, suite}, ids(search("q=prelude")), "title words and page text, accents forgiven")
	require.Empty(t, ids(search("q=sonata")), "others' private and unlisted scores are not searched")
	require.Equal(t, []uuid.UUID{prelude}, ids(search("q=BWV+846")))

	bach := search("composer=Bach")
	require.ElementsMatch(t, []uuid.UUID{prelude, suite}, ids(bach))
	require.Equal(t, 2, bach.Total)
	require.ElementsMatch(t, []store.FacetCount{{Value: "piano", Count: 1}, {Value: "cello", Count: 1}}, bach.Facets["instrumentation"])
	require.Equal(t, []store.FacetCount{{Value: "Baroque", Count: 2}}, bach.Facets["period"])
	require.Equal(t, []store.FacetCount{{Value: "Johann Sebastian Bach", Count: 2}}, bach.Facets["composer"])
	require.Equal(t, []uuid.UUID{suite}, ids(search("difficulty=5")))
	require.Equal(t, []uuid.UUID{nocturne}, ids(search("instrument=piano&period=romantic")))
	require.Equal(t, []uuid.UUID{prelude}, ids(search("composer=Bach&scope=mine")))
	page := search("limit=1&offset=1&facets=false")
	require.Len(t, page.Hits, 1)
	require.Equal(t, 3, page.Total, "my two and the public suite")
	require.Nil(t, page.Facets)

	resp, data := b.call(t, "GET", "/api/search?difficulty=11", tokA, nil, nil)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")

	resp, data = b.call(t, "GET", "/api/composers", tokA, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.JSONEq(t, `{"composers":[{"name":"Johann Sebastian Bach","count":2},{"name":"Frédéric Chopin","count":1}]}`, string(data))
	resp, data = b.call(t, "GET", "/api/composers?q=Baach", tokA, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.JSONEq(t, `{"composers":[{"name":"Johann Sebastian Bach","count":2}]}`, string(data))
}

// TestComposersGrouped: the names one composer is stored under (extracted, corrected by an
// owner, given by an importer in "Last, First" order) are one composer in GET /api/composers,
// in the composer facet, and in the composer filter.
func TestComposersGrouped(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	a, tokA := b.user(t, "a@example.com")
	var chopin []uuid.UUID
	for _, name := range []string{"Frédéric Chopin", "Chopin, Frédéric", "F. Chopin", "FRYDERYK CHOPIN"} {
		chopin = append(chopin, seedScore(t, b, a.ID, "private", map[string]any{"title": "Nocturne", "composer": name}, "nocturne"))
	}
	seedScore(t, b, a.ID, "private", map[string]any{"title": "Walzer", "composer": "MÜLLER, Hans"}, "walzer")
	seedScore(t, b, a.ID, "private", map[string]any{"title": "Ländler", "composer": "Hans Müller"}, "landler")
	seedScore(t, b, a.ID, "private", map[string]any{"title": "Mazurka", "composer": "Carl Philipp Emanuel Bach"}, "mazurka")

	resp, data := b.call(t, "GET", "/api/composers", tokA, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.JSONEq(t, `{"composers":[{"name":"Frédéric Chopin","count":4},{"name":"Hans Müller","count":2},
		{"name":"Carl Philipp Emanuel Bach","count":1}]}`, string(data))
	resp, data = b.call(t, "GET", "/api/composers?q=chopin&limit=5", tokA, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.JSONEq(t, `{"composers":[{"name":"Frédéric Chopin","count":4}]}`, string(data))
	resp, data = b.call(t, "GET", "/api/composers?q=Frederic", tokA, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.JSONEq(t, `{"composers":[{"name":"Frédéric Chopin","count":4}]}`, string(data), "the group counts all its names")
	resp, data = b.call(t, "GET", "/api/composers?limit=1", tokA, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.JSONEq(t, `{"composers":[{"name":"Frédéric Chopin","count":4}]}`, string(data))

	resp, data = b.call(t, "GET", "/api/search?q=nocturne", tokA, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	res := decodeAs[store.SearchResult](t, data)
	require.Equal(t, []store.FacetCount{{Value: "Frédéric Chopin", Count: 4}}, res.Facets["composer"])

	// The facet's value, used as the filter, finds every score the facet counted.
	resp, data = b.call(t, "GET", "/api/search?composer="+url.QueryEscape("Frédéric Chopin"), tokA, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	res = decodeAs[store.SearchResult](t, data)
	var found []uuid.UUID
	for _, h := range res.Hits {
		found = append(found, h.ID)
	}
	require.ElementsMatch(t, chopin, found)
	require.Equal(t, []store.FacetCount{{Value: "Frédéric Chopin", Count: 4}}, res.Facets["composer"])
}

func TestUploadImages(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	_, tok := b.user(t, "scanner@example.com")
	page := func(w, h int) []byte {
		var buf bytes.Buffer
		require.NoError(t, png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))))
		return buf.Bytes()
	}
	send := func(images [][]byte, fields map[string]string) (*http.Response, []byte) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for i, img := range images {
			fw, err := w.CreateFormFile("images", fmt.Sprintf("scan-%d.png", i+1))
			require.NoError(t, err)
			_, err = fw.Write(img)
			require.NoError(t, err)
		}
		for k, v := range fields {
			require.NoError(t, w.WriteField(k, v))
		}
		require.NoError(t, w.Close())
		return b.do(t, http.MethodPost, "/api/scores/images", &buf,
			http.Header{"Authorization": {"Bearer " + tok}, "Content-Type": {w.FormDataContentType()}})
	}
	resp, data := send([][]byte{page(300, 400), page(300, 400), page(200, 100)}, map[string]string{"title": "Scanned Etude"})
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
	sc := decodeAs[scoreBody](t, data)
	require.Equal(t, 3, sc.PageCount)
	require.Equal(t, "images", sc.Source)
	require.Equal(t, "scan-1.pdf", sc.Filename)
	require.Equal(t, "Scanned Etude", sc.Title)

	resp, data = send([][]byte{page(10, 10), []byte("not an image")}, nil)
	eb := requireError(t, resp, data, http.StatusUnprocessableEntity, "invalid_pdf")
	require.Equal(t, "image 2 is not a PNG or JPEG file", eb.Error.Message)
	resp, data = send(nil, map[string]string{"title": "nothing"})
	requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
	var n int
	require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT count(*) FROM scores`).Scan(&n))
	require.Equal(t, 1, n)
}

func TestCollectionsAndFavorites(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	a, tokA := b.user(t, "collector@example.com")
	other, tokB := b.user(t, "other-collector@example.com")
	mine1 := seedScore(t, b, a.ID, "private", map[string]any{"title": "Mine One"}, "")
	mine2 := seedScore(t, b, a.ID, "public", map[string]any{"title": "Mine Two"}, "")
	theirsPublic := seedScore(t, b, other.ID, "public", map[string]any{"title": "Theirs Public"}, "")
	theirsPrivate := seedScore(t, b, other.ID, "private", map[string]any{"title": "Theirs Private"}, "")

	resp, data := b.call(t, "POST", "/api/collections", tokA, map[string]any{"name": "Récital d'été", "visibility": "public"}, nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
	col := decodeAs[store.Collection](t, data)
	require.NotNil(t, col.Slug)
	require.Regexp(t, `^recital-d-ete-[0-9a-f]{8}$`, *col.Slug)
	path := "/api/collections/" + col.ID.String()

	for _, id := range []uuid.UUID{mine1, theirsPublic, mine2, mine1} { // adding twice changes nothing
		resp, data = b.call(t, "POST", path+"/scores", tokA, map[string]any{"score_id": id}, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	}
	resp, data = b.call(t, "POST", path+"/scores", tokA, map[string]any{"score_id": theirsPrivate}, nil)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
	order := func(data []byte) []uuid.UUID {
		out := []uuid.UUID{}
		for _, s := range decodeAs[collectionBody](t, data).Scores {
			out = append(out, s.ID)
		}
		return out
	}
	resp, data = b.call(t, "GET", path, tokA, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, []uuid.UUID{mine1, theirsPublic, mine2}, order(data))
	require.Equal(t, 3, decodeAs[collectionBody](t, data).ScoreCount)

	resp, data = b.call(t, "PUT", path+"/scores", tokA, map[string]any{"score_ids": []uuid.UUID{mine2, mine1, theirsPublic}}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	require.Equal(t, []uuid.UUID{mine2, mine1, theirsPublic}, order(data))
	for _, bad := range [][]uuid.UUID{{mine2, mine1}, {mine2, mine1, mine1}, {mine2, mine1, theirsPrivate}} {
		resp, data = b.call(t, "PUT", path+"/scores", tokA, map[string]any{"score_ids": bad}, nil)
		requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
	}
	resp, data = b.call(t, "DELETE", path+"/scores/"+mine1.String(), tokA, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	require.Equal(t, []uuid.UUID{mine2, theirsPublic}, order(data))
	resp, data = b.call(t, "DELETE", path+"/scores/"+mine1.String(), tokA, nil, nil)
	requireError(t, resp, data, http.StatusNotFound, "not_found")

	// The public page: anyone, without signing in; only public scores of it.
	resp, _ = b.call(t, "POST", path+"/scores", tokA, map[string]any{"score_id": mine1}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	resp, data = b.call(t, "GET", "/api/public/collections/"+*col.Slug, "", nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	require.Equal(t, []uuid.UUID{mine2, theirsPublic}, order(data), "my private score is not shown to others")
	resp, data = b.call(t, "GET", "/api/collections/"+col.ID.String(), tokB, nil, nil)
	requireError(t, resp, data, http.StatusNotFound, "not_found")

	// Unpublished: the slug stops working.
	resp, data = b.call(t, "PUT", path, tokA, map[string]any{"name": "Recital", "visibility": "private"}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	require.Nil(t, decodeAs[store.Collection](t, data).Slug)
	resp, data = b.call(t, "GET", "/api/public/collections/"+*col.Slug, "", nil, nil)
	requireError(t, resp, data, http.StatusNotFound, "not_found")

	// Favourites.
	for _, id := range []uuid.UUID{theirsPublic, mine1, theirsPublic} {
		resp, _ = b.call(t, "PUT", "/api/scores/"+id.String()+"/favorite", tokA, nil, nil)
		require.Equal(t, http.StatusNoContent, resp.StatusCode)
	}
	resp, data = b.call(t, "PUT", "/api/scores/"+theirsPrivate.String()+"/favorite", tokA, nil, nil)
	requireError(t, resp, data, http.StatusNotFound, "not_found")
	resp, data = b.call(t, "GET", "/api/favorites", tokA, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, []uuid.UUID{mine1, theirsPublic}, order(data))
	// A favourite that its owner makes private disappears from the list.
	_, err := b.pool.Exec(context.Background(), `UPDATE scores SET visibility = 'private' WHERE id = $1`, theirsPublic)
	require.NoError(t, err)
	resp, data = b.call(t, "GET", "/api/favorites", tokA, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, []uuid.UUID{mine1}, order(data))
	resp, _ = b.call(t, "DELETE", "/api/scores/"+mine1.String()+"/favorite", tokA, nil, nil)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	resp, _ = b.call(t, "DELETE", "/api/scores/"+mine1.String()+"/favorite", tokA, nil, nil)
	require.Equal(t, http.StatusNoContent, resp.StatusCode, "idempotent")

	resp, data = b.call(t, "DELETE", path, tokA, nil, nil)
	require.Equal(t, http.StatusNoContent, resp.StatusCode, string(data))
	var left int
	require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT count(*) FROM scores WHERE owner_id = $1`, a.ID).Scan(&left))
	require.Equal(t, 2, left, "deleting a collection keeps its scores")
}

type collectionBody struct {
	store.Collection
	Scores []store.Score `json:"scores"`
}

// TestCollectionWithAScoreMadePrivate: a score of someone else that its owner makes private
// after it was added is neither shown nor counted, and does not block reordering.
func TestCollectionWithAScoreMadePrivate(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	a, tokA := b.user(t, "keeper@example.com")
	other, _ := b.user(t, "changer@example.com")
	mine := seedScore(t, b, a.ID, "private", map[string]any{"title": "Mine"}, "")
	theirs := seedScore(t, b, other.ID, "public", map[string]any{"title": "Theirs"}, "")
	mine2 := seedScore(t, b, a.ID, "private", map[string]any{"title": "Mine 2"}, "")
	resp, data := b.call(t, "POST", "/api/collections", tokA, map[string]any{"name": "Mixed"}, nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	path := "/api/collections/" + decodeAs[store.Collection](t, data).ID.String()
	for _, id := range []uuid.UUID{mine, theirs, mine2} {
		resp, _ = b.call(t, "POST", path+"/scores", tokA, map[string]any{"score_id": id}, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}
	_, err := b.pool.Exec(context.Background(), `UPDATE scores SET visibility = 'private' WHERE id = $1`, theirs)
	require.NoError(t, err)
	resp, data = b.call(t, "PUT", path+"/scores", tokA, map[string]any{"score_ids": []uuid.UUID{mine2, mine}}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	col := decodeAs[collectionBody](t, data)
	require.Equal(t, 2, col.ScoreCount)
	require.Len(t, col.Scores, 2)
	require.Equal(t, []uuid.UUID{mine2, mine}, []uuid.UUID{col.Scores[0].ID, col.Scores[1].ID})
	resp, data = b.call(t, "PUT", path+"/scores", tokA, map[string]any{"score_ids": []uuid.UUID{mine2, mine, theirs}}, nil)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
}

// TestNotText: NUL characters and invalid UTF-8, which PostgreSQL's text refuses, are the
// client's error with a message, not a 500.
func TestNotText(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	_, tok := b.user(t, "nul@example.com")
	for _, q := range []string{"/api/search?q=a%00b", "/api/search?composer=%FF", "/api/composers?q=%00"} {
		resp, data := b.call(t, "GET", q, tok, nil, nil)
		requireError(t, resp, data, http.StatusBadRequest, "bad_request")
	}
	resp, data := b.call(t, "POST", "/api/logbook/entries", tok, `{"practiced_at":"2026-01-01T10:00:00Z","duration_minutes":5,"type":"practice","notes":"a\u0000b"}`, nil)
	eb := requireError(t, resp, data, http.StatusBadRequest, "bad_request")
	require.Contains(t, eb.Error.Message, "NUL")
	resp, data = b.uploadRaw(t, tok, "x.pdf", scorePDF(1), map[string]string{"title": "a\x00b"})
	requireError(t, resp, data, http.StatusBadRequest, "bad_request")
}
