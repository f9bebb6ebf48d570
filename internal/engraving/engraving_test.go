package engraving_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/engraving"
	"github.com/mirubato/mirubato/internal/metadata"
	"github.com/mirubato/mirubato/internal/pdf/pdftest"
)

func read(t *testing.T, path string) *metadata.Music {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	m, err := engraving.Reader{}.Read(context.Background(), data)
	require.NoError(t, err)
	return m
}

// TestReadLilyPondPages reads the LilyPond pages of testdata (gen.sh makes them from the
// .ly beside them): every field, for each layout the instrumentation rules know.
func TestReadLilyPondPages(t *testing.T) {
	t.Parallel()
	pianoClefs := []string{"treble", "bass"}
	for file, want := range map[string]metadata.Music{
		"voice-piano.pdf": {Staves: 3, Braced: 2, Clefs: []string{"treble", "treble", "bass"}, Names: []string{"Singstimme", "Klavier"}, Lyrics: true,
			Instrumentation: "voice and piano", InstrumentationConfidence: 0.85, Fifths: -2, KeySignatureRead: true, Key: "G minor", KeyConfidence: 0.75},
		// No names: the words under the top staff make it a voice; the voice enters after
		// a rest, so the piano's chord is the opening.
		"voice-piano-unnamed.pdf": {Staves: 3, Braced: 2, Clefs: []string{"treble", "treble", "bass"}, Lyrics: true,
			Instrumentation: "voice and piano", InstrumentationConfidence: 0.75, Fifths: -1, KeySignatureRead: true, Key: "F major", KeyConfidence: 0.65},
		"violin-piano.pdf": {Staves: 3, Braced: 2, Clefs: []string{"treble", "treble", "bass"}, Names: []string{"Violino", "Pianoforte"},
			Instrumentation: "violin and piano", InstrumentationConfidence: 0.85, Fifths: 2, KeySignatureRead: true, Key: "D major", KeyConfidence: 0.65},
		// The raised leading note (D-sharp) in the system adds to the minor call.
		"cello-piano.pdf": {Staves: 3, Braced: 2, Clefs: []string{"bass", "treble", "bass"}, Names: []string{"Violoncello", "Klavier"},
			Instrumentation: "cello and piano", InstrumentationConfidence: 0.85, Fifths: 1, KeySignatureRead: true, Key: "E minor", KeyConfidence: 0.75},
		"viola-piano-unnamed.pdf": {Staves: 3, Braced: 2, Clefs: []string{"alto", "treble", "bass"},
			Instrumentation: "viola and piano", InstrumentationConfidence: 0.55, Fifths: 0, KeySignatureRead: true, Key: "C major", KeyConfidence: 0.65},
		"quartet-named.pdf": {Staves: 4, Bracketed: 4, Clefs: []string{"treble", "treble", "alto", "bass"}, Names: []string{"Violino I", "Violino II", "Viola", "Violoncello"},
			Instrumentation: "string quartet", InstrumentationConfidence: 0.9, Fifths: -2, KeySignatureRead: true, Key: "B-flat major", KeyConfidence: 0.65},
		"quartet-plain.pdf": {Staves: 4, Bracketed: 4, Clefs: []string{"treble", "treble", "alto", "bass"},
			Instrumentation: "string quartet", InstrumentationConfidence: 0.75, Fifths: 3, KeySignatureRead: true, Key: "A major", KeyConfidence: 0.65},
		// A continuation page: no time signature after the key signature, short names
		// ("Br." is the Bratsche, the viola).
		"quartet-page2.pdf": {Staves: 4, Bracketed: 4, Clefs: []string{"treble", "treble", "alto", "bass"}, Names: []string{"Vl. 1", "Vl. 2", "Br.", "Vc."},
			Instrumentation: "string quartet", InstrumentationConfidence: 0.9, Fifths: -3, KeySignatureRead: true},
		"trio-unnamed.pdf": {Staves: 4, Braced: 2, Clefs: []string{"treble", "bass", "treble", "bass"},
			Instrumentation: "piano trio", InstrumentationConfidence: 0.6, Fifths: 1, KeySignatureRead: true, Key: "G major", KeyConfidence: 0.65},
		"organ.pdf": {Staves: 3, Braced: 2, Clefs: []string{"treble", "bass", "bass"}, Names: []string{"Manual", "Pedal"},
			Instrumentation: "organ", InstrumentationConfidence: 0.85, Fifths: -1, KeySignatureRead: true, Key: "F major", KeyConfidence: 0.65},
		"organ-unnamed.pdf": {Staves: 3, Braced: 2, Clefs: []string{"treble", "bass", "bass"},
			Instrumentation: "organ", InstrumentationConfidence: 0.6, Fifths: -1, KeySignatureRead: true, Key: "D minor", KeyConfidence: 0.75},
		// The octave's 8 under the clef is no key signature.
		"guitar.pdf": {Staves: 1, Clefs: []string{"treble"}, Names: []string{"Guitarra"},
			Instrumentation: "guitar", InstrumentationConfidence: 0.85, Fifths: 1, KeySignatureRead: true, Key: "E minor", KeyConfidence: 0.65},
		"choir-satb.pdf": {Staves: 4, Bracketed: 4, Clefs: []string{"treble", "treble", "treble", "bass"}, Names: []string{"Sopran", "Alt", "Tenor", "Bass"}, Lyrics: true,
			Instrumentation: "SATB choir", InstrumentationConfidence: 0.85, Fifths: 1, KeySignatureRead: true, Key: "G major", KeyConfidence: 0.65},
		"choir-satb-unnamed.pdf": {Staves: 4, Bracketed: 4, Clefs: []string{"treble", "treble", "treble", "bass"}, Lyrics: true,
			Instrumentation: "SATB choir", InstrumentationConfidence: 0.7, Fifths: -3, KeySignatureRead: true, Key: "E-flat major", KeyConfidence: 0.65},
		"four-hands.pdf": {Staves: 4, Braced: 4, Clefs: []string{"treble", "treble", "bass", "bass"}, Names: []string{"Primo", "Secondo"},
			Instrumentation: "piano four hands", InstrumentationConfidence: 0.85, Fifths: 0, KeySignatureRead: true, Key: "C major", KeyConfidence: 0.65},
		// A full page: the first system (indented) is read.
		"piano-long.pdf": {Staves: 2, Braced: 2, Clefs: pianoClefs,
			Instrumentation: "piano", InstrumentationConfidence: 0.75, Fifths: -4, KeySignatureRead: true, Key: "A-flat major", KeyConfidence: 0.65},
		// A lone upbeat is no evidence of the mode: the signature only.
		"piano-upbeat.pdf": {Staves: 2, Braced: 2, Clefs: pianoClefs,
			Instrumentation: "piano", InstrumentationConfidence: 0.75, Fifths: -3, KeySignatureRead: true},
		// The sharp right after the clef is the first note's, not a signature; the
		// opening (F-sharp over D) is neither C major's nor A minor's tonic triad.
		"piano-fsharp-note.pdf": {Staves: 2, Braced: 2, Clefs: pianoClefs,
			Instrumentation: "piano", InstrumentationConfidence: 0.75, Fifths: 0, KeySignatureRead: true},
		// With no time signature between them, the chords' flats follow the clef where a
		// one-flat signature would stand; they stand just before noteheads on their lines.
		"piano-chord-flat.pdf": {Staves: 2, Braced: 2, Clefs: pianoClefs,
			Instrumentation: "piano", InstrumentationConfidence: 0.75, Fifths: 0, KeySignatureRead: true},
	} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, &want, read(t, filepath.Join("testdata", file)))
		})
	}
}

// TestReadKeySeries reads a piano opening on its tonic triad in every key signature, major
// and minor: the signature, and the key with its mode.
func TestReadKeySeries(t *testing.T) {
	t.Parallel()
	majors := []string{"C-flat", "G-flat", "D-flat", "A-flat", "E-flat", "B-flat", "F", "C", "G", "D", "A", "E", "B", "F-sharp", "C-sharp"}
	minors := []string{"A-flat", "E-flat", "B-flat", "F", "C", "G", "D", "A", "E", "B", "F-sharp", "C-sharp", "G-sharp", "D-sharp", "A-sharp"}
	for fifths := -7; fifths <= 7; fifths++ {
		for _, mode := range []string{"major", "minor"} {
			t.Run(fmt.Sprintf("%d-%s", fifths, mode), func(t *testing.T) {
				t.Parallel()
				m := read(t, filepath.Join("testdata", fmt.Sprintf("key-%d-%s.pdf", fifths, mode)))
				require.NotNil(t, m)
				require.True(t, m.KeySignatureRead)
				require.Equal(t, fifths, m.Fifths)
				want := majors[fifths+7] + " major"
				if mode == "minor" {
					want = minors[fifths+7] + " minor"
				}
				require.Equal(t, want, m.Key)
				require.Equal(t, "piano", m.Instrumentation)
			})
		}
	}
}

// TestReadMuseScorePages reads pages engraved by MuseScore 3 in its SMuFL font: glyphs
// known by their code points, not their names, and braces drawn as paths.
func TestReadMuseScorePages(t *testing.T) {
	t.Parallel()
	for file, want := range map[string]metadata.Music{
		"piano.pdf": {Staves: 2, Braced: 2, Clefs: []string{"treble", "bass"},
			Instrumentation: "piano", InstrumentationConfidence: 0.75, Fifths: -3, KeySignatureRead: true, Key: "E-flat major", KeyConfidence: 0.65},
		"quartet.pdf": {Staves: 4, Bracketed: 4, Clefs: []string{"treble", "treble", "alto", "bass"}, Names: []string{"Violin I", "Violin II", "Viola", "Violoncello"},
			Instrumentation: "string quartet", InstrumentationConfidence: 0.9, Fifths: -2, KeySignatureRead: true, Key: "B-flat major", KeyConfidence: 0.65},
		"voice-piano.pdf": {Staves: 3, Braced: 2, Clefs: []string{"treble", "treble", "bass"}, Names: []string{"Voice", "Piano"}, Lyrics: true,
			Instrumentation: "voice and piano", InstrumentationConfidence: 0.85, Fifths: 1, KeySignatureRead: true, Key: "E minor", KeyConfidence: 0.75},
	} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, &want, read(t, filepath.Join("testdata", "musescore", file)))
		})
	}
}

// TestReadPagesWithoutStaves: a title page and a scan (an image: no paths) give nothing,
// and no error; the caller goes on to the next page.
func TestReadPagesWithoutStaves(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"title-page.pdf", "scan.pdf"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			require.Nil(t, read(t, filepath.Join("testdata", file)))
		})
	}
}

// TestReadLegacyFontPage reads a page written here the way older engravers write theirs:
// staff lines as thin filled rectangles drawn bar by bar, a brace drawn as a path, and
// clefs, flats and notes as characters of a Sonata-layout font ('&' the G clef, '?' the F
// clef, 'b' a flat) named Maestro.
func TestReadLegacyFontPage(t *testing.T) {
	t.Parallel()
	m, err := engraving.Reader{}.Read(context.Background(), legacyPage())
	require.NoError(t, err)
	require.Equal(t, &metadata.Music{Staves: 2, Braced: 2, Clefs: []string{"treble", "bass"}, Names: []string{"Piano"},
		Instrumentation: "piano", InstrumentationConfidence: 0.85, Fifths: -3, KeySignatureRead: true}, m)
}

// legacyPage writes a one-page PDF: two staves (space 6 pt) joined by a system line and a
// brace, the name "Piano" (Helvetica) between them, and in a font named Maestro the clefs,
// a signature of three flats on their lines and spaces, a time signature and noteheads.
func legacyPage() []byte {
	var c bytes.Buffer
	staff := func(top float64) {
		for i := range 5 {
			y := top - float64(i)*6
			// Two pieces, as bar by bar.
			fmt.Fprintf(&c, "80 %.2f 210 0.5 re f 290 %.2f 210 0.5 re f\n", y-0.25, y-0.25)
		}
	}
	staff(760)
	staff(700)
	c.WriteString("80 676 0.8 84 re f\n")
	// The brace: its point at mid-height on the left, its ends curling right.
	c.WriteString("77 761 m 73 750 75 725 70 718 c 75 711 73 686 77 675 c 78 676 l 75 690 77 712 72 718 c 77 724 75 746 78 760 c h f\n")
	text := func(font string, size, x, y float64, s string) {
		fmt.Fprintf(&c, "BT /%s %.0f Tf 1 0 0 1 %.2f %.2f Tm (%s) Tj ET\n", font, size, x, y, s)
	}
	text("F2", 11, 30, 715, "Piano")
	text("F1", 24, 84, 742, "&")                 // on the G line
	text("F1", 24, 84, 694, "?")                 // on the F line
	for i, y := range []float64{748, 757, 745} { // B, E, A in the treble
		text("F1", 24, 100+6*float64(i), y, "b")
	}
	for i, y := range []float64{682, 691, 679} { // B, E, A in the bass
		text("F1", 24, 100+6*float64(i), y, "b")
	}
	text("F1", 24, 122, 751, "4")
	text("F1", 24, 122, 739, "4")
	text("F1", 24, 122, 691, "4")
	text("F1", 24, 122, 679, "4")
	text("F1", 24, 140, 757, "\xcf") // a notehead (Ï)
	text("F1", 24, 140, 691, "\xcf")

	return onePagePDF(c.String())
}

// onePagePDF writes a PDF of one A4 page drawn by content, with the fonts F1 (named
// Maestro, a Sonata-layout music font) and F2 (Helvetica).
func onePagePDF(content string) []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Maestro /Encoding /WinAnsiEncoding >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
	}
	return pdftest.Write(objs, 1, 0)
}

// TestReadRuledTable: five equally spaced rules of a table (with its borders and words)
// look like a staff's lines, but carry no music: no staves.
func TestReadRuledTable(t *testing.T) {
	t.Parallel()
	var c bytes.Buffer
	for i := range 5 {
		fmt.Fprintf(&c, "60 %d m 500 %d l\n", 600-14*i, 600-14*i)
	}
	c.WriteString("60 600 m 60 544 l 280 600 m 280 544 l 500 600 m 500 544 l 0.5 w S\n")
	for i, row := range []string{"Opus", "Title", "Year", "Key"} {
		fmt.Fprintf(&c, "BT /F2 9 Tf 1 0 0 1 64 %d Tm (%s) Tj ET\n", 590-14*i, row)
	}
	m, err := engraving.Reader{}.Read(context.Background(), onePagePDF(c.String()))
	require.NoError(t, err)
	require.Nil(t, m)
}

// TestReadToolFailures: what the tool cannot read, or reads past its bounds, is an
// ErrTool; a caller that gives up is not.
func TestReadToolFailures(t *testing.T) {
	t.Parallel()
	page, err := os.ReadFile(filepath.Join("testdata", "violin-piano.pdf"))
	require.NoError(t, err)
	for name, tc := range map[string]struct {
		reader engraving.Reader
		pdf    []byte
	}{
		"NotAPDF":       {engraving.Reader{}, []byte("<html>not a score</html>")},
		"Timeout":       {engraving.Reader{Timeout: time.Nanosecond}, page},
		"OutputLimit":   {engraving.Reader{MaxOut: 1000}, page},
		"MemoryLimited": {engraving.Reader{MaxMemory: 4 << 20}, page},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m, err := tc.reader.Read(context.Background(), tc.pdf)
			require.ErrorIs(t, err, engraving.ErrTool)
			require.Nil(t, m)
		})
	}
	t.Run("CallerCancels", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := engraving.Reader{}.Read(ctx, page)
		require.ErrorIs(t, err, context.Canceled)
		require.False(t, errors.Is(err, engraving.ErrTool))
	})
}

// TestReadLilyPondDocExamples reads the real scores of Debian's lilypond-doc-pdf
// (`ops/setup corpus` installs it); it is skipped where they are missing.
func TestReadLilyPondDocExamples(t *testing.T) {
	t.Parallel()
	dir := "/usr/share/doc/lilypond/html/Documentation/ly-examples"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("lilypond-doc-pdf is not installed")
	}
	for file, want := range map[string]struct {
		staves          int
		fifths          int
		instrumentation string
		key             string
	}{
		// Jesu, meine Freude: two manuals and pedal under one brace, named "a 2 Clav. e
		// Pedale."; C minor, opening on its tonic triad.
		"bach-bwv610.pdf": {3, -3, "organ", "C minor"},
		// Nineteen staves: woodwinds, brass, percussion, harp and strings, named; the
		// concert signature (six flats) outvotes the transposing instruments'.
		"orchestra.pdf": {19, -6, "orchestra", ""},
		// A voice (its words begin in the third system) over the piano.
		"sesto-piano.pdf": {3, -3, "voice and piano", ""},
		// Two violins, a voice and the basses: no call.
		"sesto-full.pdf":   {4, -3, "", ""},
		"sesto-violin.pdf": {1, -3, "", ""},
		// A staff over its tablature, named Guitar.
		"tab-example.pdf": {2, 4, "guitar", ""},
		// A piano piece on three staves under one brace, without a signature (and, an
		// excerpt, without a time signature): the flats after the clefs are its first
		// chords'.
		"granados.pdf": {3, 0, "piano", ""},
	} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			m := read(t, filepath.Join(dir, file))
			require.NotNil(t, m)
			require.Equal(t, want.staves, m.Staves)
			require.True(t, m.KeySignatureRead)
			require.Equal(t, want.fifths, m.Fifths)
			require.Equal(t, want.instrumentation, m.Instrumentation)
			require.Equal(t, want.key, m.Key)
		})
	}
}

// BenchmarkRead measures the reading of one page, mutool's trace included.
func BenchmarkRead(b *testing.B) {
	for _, file := range []string{"piano-long.pdf", "quartet-named.pdf"} {
		page, err := os.ReadFile(filepath.Join("testdata", file))
		require.NoError(b, err)
		b.Run(file, func(b *testing.B) {
			for b.Loop() {
				if _, err := (engraving.Reader{}).Read(context.Background(), page); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
