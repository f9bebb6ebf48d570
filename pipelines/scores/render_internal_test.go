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
	size := func(page []byte) []int { dpi, fit := renderSize(ctx, page, 110); return []int{dpi, fit} }
	require.Equal(t, []int{110, 0}, size(letter), "a Letter page at 110 dpi is 1,210 px high")
	huge := bytes.Replace(letter, []byte("[0 0 612 792]"), []byte("[0 0 14400 792]"), 1) // 200 inches wide
	require.Equal(t, []int{30, 0}, size(huge), "6,000 px at most: 30 dpi")
	indirect := bytes.Replace(letter, []byte("[0 0 612 792]"), []byte("[0 0 2 0 R 792]"), 1) // a width pdftoppm resolves, we do not
	require.Equal(t, []int{0, 1210}, size(indirect), "a size that cannot be read: fit a box")
	require.Equal(t, []int{0, 1210}, size([]byte("not a pdf")))
}
