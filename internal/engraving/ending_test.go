package engraving_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/engraving"
	"github.com/mirubato/mirubato/internal/metadata"
)

func readEnding(t *testing.T, path string) *engraving.Ending {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	e, err := engraving.Reader{}.ReadEnding(context.Background(), data)
	require.NoError(t, err)
	return e
}

// TestEndingCallsTheKey reads pieces that open off their tonic (the opening makes no
// call) and end on it: the final bass note names the key, with the signature read on the
// last system; a raised leading note or a major third written right before or on the
// final chord does not mislead it; a piece ending on its dominant gets no call.
func TestEndingCallsTheKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file   string
		fifths int
		bass   int
		chord  []int
		key    string
		conf   float64
	}{
		{"ending-d-major.pdf", 2, 2, []int{2, 6, 9}, "D major", 0.75},
		{"ending-g-minor.pdf", -2, 7, []int{2, 7, 10}, "G minor", 0.75},
		// A major chord on the tonic of A minor: the bass calls minor, the chord's sharp
		// third is read (C sharp) and keeps it from being the minor triad.
		{"ending-a-minor-picardy.pdf", 0, 9, []int{1, 4, 9}, "A minor", 0.7},
		{"ending-a-flat-major.pdf", -4, 8, []int{8}, "A-flat major", 0.7},
		{"ending-dominant.pdf", 0, 7, []int{2, 7, 11}, "", 0},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			opening := read(t, filepath.Join("testdata", tc.file))
			require.NotNil(t, opening)
			require.True(t, opening.KeySignatureRead)
			require.Equal(t, tc.fifths, opening.Fifths)
			if tc.key != "" {
				require.Empty(t, opening.Key, "the opening is not the tonic chord")
			}
			e := readEnding(t, filepath.Join("testdata", tc.file))
			require.Equal(t, &engraving.Ending{Fifths: tc.fifths, KeySignatureRead: true, Bass: tc.bass, Chord: tc.chord}, e)
			key, conf := engraving.CallKey(opening, e)
			require.Equal(t, tc.key, key)
			require.InDelta(t, tc.conf, conf, 1e-9)
		})
	}
}

// TestEndingOfALongPiece reads a two-page piece as the pipeline stores it, one PDF a
// page: page 1's first system opens on the subdominant, page 2's last system ends on the
// tonic after its raised leading note.
func TestEndingOfALongPiece(t *testing.T) {
	t.Parallel()
	opening := read(t, filepath.Join("testdata", "ending-long-page1.pdf"))
	require.NotNil(t, opening)
	require.Equal(t, 2, opening.Fifths)
	require.Empty(t, opening.Key)
	e := readEnding(t, filepath.Join("testdata", "ending-long-page2.pdf"))
	require.Equal(t, &engraving.Ending{Fifths: 2, KeySignatureRead: true, Bass: 11, Chord: []int{2, 6, 11}}, e)
	data, err := os.ReadFile(filepath.Join("testdata", "ending-long-page2.pdf"))
	require.NoError(t, err)
	key, conf, err := engraving.Reader{}.EndingKey(context.Background(), data, opening)
	require.NoError(t, err)
	require.Equal(t, "B minor", key)
	require.InDelta(t, 0.75, conf, 1e-9)
}

// TestCallKey: the opening and the ending together; a signature that changed is no call.
func TestCallKey(t *testing.T) {
	t.Parallel()
	gMinorEnd := &engraving.Ending{Fifths: -2, KeySignatureRead: true, Bass: 7, Chord: []int{2, 7, 10}}
	open := func(key string, conf float64) *metadata.Music {
		return &metadata.Music{Fifths: -2, KeySignatureRead: true, Key: key, KeyConfidence: conf}
	}
	for _, tc := range []struct {
		name    string
		opening *metadata.Music
		ending  *engraving.Ending
		key     string
		conf    float64
	}{
		{"ending alone", open("", 0), gMinorEnd, "G minor", 0.75},
		{"opening agrees", open("G minor", 0.65), gMinorEnd, "G minor", 0.85},
		{"opening disagrees: the ending wins, less sure", open("B-flat major", 0.65), gMinorEnd, "G minor", 0.6},
		{"modulated: another signature at the end", &metadata.Music{Fifths: -3, KeySignatureRead: true}, gMinorEnd, "", 0},
		{"opening's signature unread", &metadata.Music{}, gMinorEnd, "", 0},
		{"no ending", open("", 0), nil, "", 0},
		{"bass neither tonic", open("", 0), &engraving.Ending{Fifths: -2, KeySignatureRead: true, Bass: 2, Chord: []int{2, 6, 9}}, "", 0},
	} {
		key, conf := engraving.CallKey(tc.opening, tc.ending)
		require.Equal(t, tc.key, key, tc.name)
		require.InDelta(t, tc.conf, conf, 1e-9, tc.name)
	}
}
