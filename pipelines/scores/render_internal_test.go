package scores

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/pdf/pdftest"
)

func TestRenderDPI(t *testing.T) {
	ctx := context.Background()
	letter := pdftest.Build(pdftest.Doc{Pages: [][]string{{"a"}}})
	require.Equal(t, 110, renderDPI(ctx, letter, 110), "a Letter page at 110 dpi is 1,210 px high")
	huge := bytes.Replace(letter, []byte("[0 0 612 792]"), []byte("[0 0 14400 792]"), 1) // 200 inches wide
	require.Equal(t, 30, renderDPI(ctx, huge, 110), "6,000 px at most: 30 dpi")
	require.Equal(t, 110, renderDPI(ctx, []byte("not a pdf"), 110), "what cannot be measured is left to pdftoppm's timeout")
}
