package api_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	pdfapi "github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/metadata"
	"github.com/mirubato/mirubato/internal/pdf"
	"github.com/mirubato/mirubato/internal/pdf/pdftest"
	"github.com/mirubato/mirubato/internal/store"
)

const passwordRefusal = "the PDF is password-protected; remove the password and upload it again"

// encryptedPDF is a three-page score encrypted with AES-256 by pdfcpu, every permission
// withheld: with userPW "" it opens without a password (an owner password only).
func encryptedPDF(t *testing.T, userPW string) []byte {
	t.Helper()
	src := pdftest.Build(pdftest.Doc{Pages: [][]string{{"Etude", "Frederic Chopin", "Op. 10 No. 3"}, {"page two"}, {"page three"}},
		Info: map[string]string{"Title": "Étude in E major", "Composer": "Frédéric Chopin"}})
	conf := model.NewAESConfiguration(userPW, "owner-secret", 256)
	conf.Permissions = model.PermissionsNone
	var out bytes.Buffer
	require.NoError(t, pdfapi.Encrypt(bytes.NewReader(src), &out, conf))
	return out.Bytes()
}

// requireOwnerPasswordScoreReady: the uploaded owner-password score became ready with
// what only its decrypted content says (the information dictionary's strings, each page's
// text), its pages are unencrypted PDFs, and the original is kept as uploaded.
func requireOwnerPasswordScoreReady(t *testing.T, b *testBundle, tok string, id string, data []byte) {
	t.Helper()
	ctx := context.Background()
	ready := b.waitScore(t, tok, id, store.ScoreReady)
	require.Equal(t, 3, ready.PageCount)
	require.Equal(t, "Étude in E major", ready.Title)
	require.Equal(t, metadata.SourceInfoDict, ready.Extracted["title"].Source)
	require.Equal(t, "Frédéric Chopin", ready.Composer)
	rows, err := b.pool.Query(ctx, `SELECT text FROM score_pages WHERE score_id = $1 ORDER BY n`, id)
	require.NoError(t, err)
	var texts []string
	for rows.Next() {
		var text string
		require.NoError(t, rows.Scan(&text))
		texts = append(texts, text)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"Etude\nFrederic Chopin\nOp. 10 No. 3", "page two", "page three"}, texts)

	resp, page := b.call(t, "GET", "/api/scores/"+id+"/pages/2", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	one, err := pdf.Open(ctx, page, scoreLimits)
	require.NoError(t, err)
	require.False(t, one.Encrypted, "a page is written decrypted")
	resp, png := b.call(t, "GET", "/api/scores/"+id+"/pages/2.png", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.True(t, bytes.HasPrefix(png, []byte("\x89PNG")))
	resp, original := b.call(t, "GET", "/api/scores/"+id+"/download", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, data, original, "the original is kept as uploaded, encrypted")
}

// TestOwnerPasswordPDFs: a publisher's PDF with an owner password only is accepted and
// processed through the real API and workers; one that needs a password to open is
// refused with a reason that says what to do, and leaves nothing behind.
func TestOwnerPasswordPDFs(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.startWorkers(t)
	_, tok := b.user(t, "publisher@example.com")

	data := encryptedPDF(t, "")
	sc := b.upload(t, tok, "etude.pdf", data, nil)
	require.Equal(t, 3, sc.PageCount, "read in the request")
	requireOwnerPasswordScoreReady(t, b, tok, sc.ID.String(), data)

	resp, body := b.uploadRaw(t, tok, "locked.pdf", encryptedPDF(t, "user-secret"), nil)
	eb := requireError(t, resp, body, http.StatusUnprocessableEntity, "invalid_pdf")
	require.Equal(t, passwordRefusal, eb.Error.Message)
	var rows int
	require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT count(*) FROM scores`).Scan(&rows))
	require.Equal(t, 1, rows, "the refused file left no score")
}

// TestOwnerPasswordPDFsReadByThePipeline: the same for uploads above SCORE_CHECK_MAX_BYTES,
// which the split step reads: the owner-password file becomes ready, and the one that
// needs a password fails with the same reason.
func TestOwnerPasswordPDFsReadByThePipeline(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{checkMaxBytes: 1 << 10})
	b.startWorkers(t)
	_, tok := b.user(t, "publisher-large@example.com")

	data := encryptedPDF(t, "")
	require.Greater(t, len(data), 1<<10)
	sc := b.upload(t, tok, "etude.pdf", data, nil)
	require.Zero(t, sc.PageCount, "not read in the request")
	requireOwnerPasswordScoreReady(t, b, tok, sc.ID.String(), data)

	sc = b.upload(t, tok, "locked.pdf", encryptedPDF(t, "user-secret"), nil)
	failed := b.waitScore(t, tok, sc.ID.String(), store.ScoreFailed)
	require.NotNil(t, failed.Failure)
	require.Equal(t, passwordRefusal, *failed.Failure)
}
