package engraving

import (
	"context"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/metadata"
)

// TestClassify: the three ways a music font is read — LilyPond's glyph names, SMuFL's code
// points, the Sonata layout's characters in the fonts known to use it — and text staying
// text (a text font's digits are named like Emmentaler's, and its '&' is an ampersand).
func TestClassify(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		g    glyph
		kind kind
		fam  family
	}{
		"FetaG":            {glyph{font: "Emmentaler-20", name: "clefs.G"}, kindClefG, familyFeta},
		"FetaFChange":      {glyph{font: "Emmentaler-20", name: "clefs.F_change"}, kindClefF, familyFeta},
		"FetaAncientC":     {glyph{font: "Emmentaler-20", name: "clefs.vaticana.do"}, kindClefC, familyFeta},
		"FetaPetrucciC":    {glyph{font: "Emmentaler-20", name: "clefs.petrucci.c3"}, kindClefC, familyFeta},
		"FetaPercussion":   {glyph{font: "Emmentaler-20", name: "clefs.percussion"}, kindClefPercussion, familyFeta},
		"FetaTab":          {glyph{font: "Emmentaler-20", name: "clefs.tab"}, kindClefTab, familyFeta},
		"FetaFlat":         {glyph{font: "Emmentaler-20", name: "accidentals.flat"}, kindFlat, familyFeta},
		"FetaSharp":        {glyph{font: "Emmentaler-20", name: "accidentals.sharp"}, kindSharp, familyFeta},
		"FetaNatural":      {glyph{font: "Emmentaler-20", name: "accidentals.natural"}, kindNatural, familyFeta},
		"FetaDoubleFlat":   {glyph{font: "Emmentaler-20", name: "accidentals.flatflat"}, kindDoubleFlat, familyFeta},
		"FetaHead":         {glyph{font: "Emmentaler-20", name: "noteheads.s2"}, kindNotehead, familyFeta},
		"FetaBrace":        {glyph{font: "Emmentaler-Brace", name: "brace178"}, kindBrace, familyFeta},
		"FetaBracketTip":   {glyph{font: "Emmentaler-11", name: "brackettips.up"}, kindBracketTop, familyFeta},
		"FetaTimeDigit":    {glyph{font: "Emmentaler-20", name: "four", r: '4'}, kindTimeSig, familyFeta},
		"FetaDynamic":      {glyph{font: "Emmentaler-20", name: "p", r: 'p'}, kindMusic, familyFeta},
		"SMuFLGClef":       {glyph{font: "Bravura", r: 0xE050}, kindClefG, familySMuFL},
		"SMuFLG8vb":        {glyph{font: "Leland", r: 0xE052}, kindClefG, familySMuFL},
		"SMuFLFClef":       {glyph{font: "MScore", r: 0xE062}, kindClefF, familySMuFL},
		"SMuFLCClef":       {glyph{font: "Petaluma", r: 0xE05C}, kindClefC, familySMuFL},
		"SMuFLFlat":        {glyph{font: "Bravura", r: 0xE260}, kindFlat, familySMuFL},
		"SMuFLNatural":     {glyph{font: "Bravura", r: 0xE261}, kindNatural, familySMuFL},
		"SMuFLSharp":       {glyph{font: "Bravura", r: 0xE262}, kindSharp, familySMuFL},
		"SMuFLHead":        {glyph{font: "Bravura", r: 0xE0A4}, kindNotehead, familySMuFL},
		"SMuFLBrace":       {glyph{font: "Bravura", r: 0xE000}, kindBrace, familySMuFL},
		"SMuFLBracketTop":  {glyph{font: "Bravura", r: 0xE003}, kindBracketTop, familySMuFL},
		"SMuFLPercussion":  {glyph{font: "Bravura", r: 0xE069}, kindClefPercussion, familySMuFL},
		"SMuFLByName":      {glyph{font: "Bravura", name: "uniE050", r: 0xFFFD}, kindClefG, familySMuFL},
		"SMuFLBySMuFLName": {glyph{font: "Bravura", name: "accidentalFlat", r: -1}, kindFlat, familySMuFL},
		"SonataG":          {glyph{font: "Maestro", r: '&'}, kindClefG, familySonata},
		"SonataF":          {glyph{font: "Opus Std", r: '?'}, kindClefF, familySonata},
		"SonataC":          {glyph{font: "Petrucci", r: 'B'}, kindClefC, familySonata},
		"SonataFlat":       {glyph{font: "Sonata", r: 'b'}, kindFlat, familySonata},
		"SonataSharp":      {glyph{font: "Helsinki Std", r: '#'}, kindSharp, familySonata},
		"SonataHead":       {glyph{font: "Inkpen2 Std", r: 0xCF}, kindNotehead, familySonata},
		"OpusTextIsText":   {glyph{font: "Opus Text Std", r: '&'}, kindText, familyNone},
		"TextAmpersand":    {glyph{font: "Times-Roman", r: '&'}, kindText, familyNone},
		"TextDigit":        {glyph{font: "C059-Roman", name: "four", r: '4'}, kindText, familyNone},
		"TextLetter":       {glyph{font: "C059-Roman", name: "b", r: 'b'}, kindText, familyNone},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			k, fam := classify(tc.g)
			require.Equal(t, tc.kind, k)
			require.Equal(t, tc.fam, fam)
		})
	}
}

// TestInstrumentOf: staff names in the languages scores are printed in, to one English
// vocabulary; "" for what names no instrument.
func TestInstrumentOf(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"Violino I": "violin", "Vl. 2": "violin", "Violine": "violin", "Violon": "violin", "Housle": "violin",
		"Viola": "viola", "Bratsche": "viola", "Vla.": "viola",
		"Violoncello": "cello", "Vc.": "cello", "Violoncelle": "cello", "Cello": "cello",
		"Kontrabass": "double bass", "Contrabass": "double bass", "Cb.": "double bass",
		"Pianoforte": "piano", "Klavier": "piano", "Pno.": "piano", "Piano": "piano",
		"Orgel": "organ", "Pedale": "organ", "a 2 Clav. e Pedale.": "organ",
		"Guitarra": "guitar", "Gitarre": "guitar", "Chitarra": "guitar", "Guitare": "guitar",
		"Flauto": "flute", "Flöte": "flute", "Clarinets I & II in B": "clarinet", "Horns I & II in F": "horn",
		"Sopran": "soprano", "Alt": "alto", "Tenor": "tenor", "Bass": "bass", "Singstimme": "voice", "Canto": "voice",
		"Primo": "piano four hands", "Secondo": "piano four hands",
		"SESTO.": "", "Triplum": "", "": "",
	} {
		require.Equal(t, want, instrumentOf(name), name)
	}
}

// TestFetaBraceHeight: LilyPond's brace glyphs grow with their number; brace178, the piano
// brace at the default staff size, is 3.3 ems tall (measured on the testdata pages: it
// joins two staves 64.8 pt from top to bottom at a font size of 19.93 pt).
func TestFetaBraceHeight(t *testing.T) {
	t.Parallel()
	h, ok := fetaBraceHeight("brace178")
	require.True(t, ok)
	require.InDelta(t, 64.8/19.93, h, 0.1)
	first, _ := fetaBraceHeight("brace0")
	last, _ := fetaBraceHeight("brace575")
	require.InDelta(t, 0.526, first, 0.001)
	require.InDelta(t, 19.242, last, 0.001)
	prev := 0.0
	for n := range 576 {
		h, ok := fetaBraceHeight("brace" + itoa(n))
		require.True(t, ok)
		require.Greater(t, h, prev)
		prev = h
	}
	_, ok = fetaBraceHeight("brace576")
	require.False(t, ok)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// TestParseTrace: the trace device's escapes, transforms and shapes, and lines it cannot
// read skipped without stopping the rest.
func TestParseTrace(t *testing.T) {
	t.Parallel()
	trace := `<?xml version="1.0"?>
<document name="x.pdf">
<page mediabox="0 0 595 842">
<fill_text colorspace="DeviceGray" color="0" transform="1 0 0 -1 0 842">
    <span font="ABCDEF+C059-Roman" wmode="0" bidi="0" trm="10 0 0 10">
        <g unicode="&quot;" glyph="quotedbl" x="10" y="800" adv=".4"/>
        <g unicode="&amp;" glyph="ampersand" x="14" y="800" adv=".7"/>
        <g unicode="&#x1;" glyph="x" x="nonsense" y="800" adv=".7"/>
    </span>
</fill_text>
<clip_path winding="nonzero" transform="1 0 0 -1 0 842">
    <moveto x="0" y="0"/>
    <lineto x="500" y="0"/>
</clip_path>
<stroke_path linewidth="2" transform=".5 0 0 -.5 0 842">
    <moveto x="100" y="200"/>
    <lineto x="300" y="200"/>
    <lineto x="300" y="400"/>
</stroke_path>
<fill_path winding="nonzero" transform="1 0 0 -1 0 842">
    <moveto x="50" y="700"/>
    <lineto x="250" y="700"/>
    <lineto x="250" y="700.5"/>
    <lineto x="50" y="700.5"/>
    <closepath/>
</fill_path>
<fill_path winding="nonzero" transform="1 0 0 -1 0 842">
    <moveto x="20" y="700"/>
    <curveto x1="10" y1="680" x2="10" y2="660" x3="20" y3="640"/>
    <lineto x="22" y="640"/>
    <closepath/>
</fill_path>
</page>
</document>
`
	pg := parseTrace([]byte(trace))
	require.Equal(t, 595.0, pg.width)
	require.Len(t, pg.glyphs, 2)
	require.Equal(t, '"', pg.glyphs[0].r)
	require.Equal(t, "C059-Roman", pg.glyphs[0].font)
	require.Equal(t, glyph{font: "C059-Roman", name: "ampersand", r: '&', x: 14, y: 42, size: 10, adv: 7}, pg.glyphs[1])
	// The stroke: a horizontal and a vertical line, width scaled by the transform; the
	// clipping path draws nothing.
	require.Equal(t, []line{{50, 742, 150, 742, 1}, {50, 141.75, 250, 141.75, 0.5}}, pg.hlines)
	require.Equal(t, []line{{150, 642, 150, 742, 1}}, pg.vlines)
	// The curve is followed along its length, not by its control points: its leftmost
	// point is at x = 12.5, the curve's, not 10, the control points'.
	require.Len(t, pg.shapes, 1)
	require.InDelta(t, 12.5, pg.shapes[0].x0, 0.01)
	require.True(t, pg.shapes[0].curved)
	require.Equal(t, 0.0, math.Round(pg.shapes[0].y0-142))
}

// BenchmarkAnalyse measures the reading of a page's trace, without running mutool: the
// dense orchestral page of lilypond-doc-pdf when it is installed, else a testdata page.
func BenchmarkAnalyse(b *testing.B) {
	path := "/usr/share/doc/lilypond/html/Documentation/ly-examples/orchestra.pdf"
	if _, err := os.Stat(path); err != nil {
		path = "testdata/piano-long.pdf"
	}
	page, err := os.ReadFile(path)
	require.NoError(b, err)
	out, err := Reader{}.trace(context.Background(), page)
	require.NoError(b, err)
	b.SetBytes(int64(len(out)))
	for b.Loop() {
		if readPage(parseTrace(out)) == nil {
			b.Fatal("no staves")
		}
	}
}

// TestInstrumentation: the calls no test page makes, from a system's shape — its clefs,
// braces and brackets, words and names — as readPage hands it over.
func TestInstrumentation(t *testing.T) {
	t.Parallel()
	type shape struct {
		clefs     []string
		braces    [][2]int
		bracketed int
		lyrics    []bool
		names     map[int]string
	}
	for name, tc := range map[string]struct {
		in   shape
		want string
		conf float64
	}{
		"TwoPianos": {shape{clefs: []string{"treble", "bass", "treble", "bass"}, braces: [][2]int{{0, 1}, {2, 3}},
			names: map[int]string{0: "Piano I", 2: "Piano II"}}, "two pianos", 0.8},
		"TwoBracedPairsUnnamed": {shape{clefs: []string{"treble", "bass", "treble", "bass"}, braces: [][2]int{{0, 1}, {2, 3}}}, "", 0},
		"StringTrioNamed": {shape{clefs: []string{"treble", "alto", "bass"}, bracketed: 3,
			names: map[int]string{0: "Violine", 1: "Viola", 2: "Violoncello"}}, "string trio", 0.85},
		"StringTrioUnnamed": {shape{clefs: []string{"treble", "alto", "bass"}, bracketed: 3}, "string trio", 0.6},
		"PianoQuintet": {shape{clefs: []string{"treble", "treble", "alto", "bass", "treble", "bass"}, braces: [][2]int{{4, 5}},
			names: map[int]string{0: "Violino I", 1: "Violino II", 2: "Viola", 3: "Violoncello", 4: "Pianoforte"}}, "piano quintet", 0.85},
		"FluteAndGuitar": {shape{clefs: []string{"treble", "treble"}, names: map[int]string{0: "Flöte", 1: "Gitarre"}}, "flute and guitar", 0.7},
		"SoloFlute":      {shape{clefs: []string{"treble"}, names: map[int]string{0: "Flauto"}}, "flute", 0.8},
		"SongMelody":     {shape{clefs: []string{"treble"}, lyrics: []bool{true}}, "voice", 0.5},
		// An unnamed treble staff over a piano: a violin, a flute, an oboe…
		"UnnamedTrebleOverPiano": {shape{clefs: []string{"treble", "treble", "bass"}, braces: [][2]int{{1, 2}}}, "", 0},
		// A cello-and-bass-clef pair under a bracket is not a quartet.
		"QuartetClefsWithAVoice": {shape{clefs: []string{"treble", "treble", "alto", "bass"}, bracketed: 4, lyrics: []bool{true, false, false, false}}, "", 0},
		"QuartetClefsNamedOtherwise": {shape{clefs: []string{"treble", "treble", "alto", "bass"}, bracketed: 4,
			names: map[int]string{0: "Flute", 1: "Oboe"}}, "", 0},
		// Words between a keyboard's staves: a hymn, or a song in the piano's part.
		"HymnShortScore": {shape{clefs: []string{"treble", "bass"}, braces: [][2]int{{0, 1}}, lyrics: []bool{true, false}}, "", 0},
		"ChoirAndPiano": {shape{clefs: []string{"treble", "treble", "treble", "bass", "treble", "bass"}, braces: [][2]int{{4, 5}},
			lyrics: []bool{true, true, true, true, false, false}}, "SATB choir and piano", 0.7},
		"Orchestra": {shape{clefs: []string{"treble", "treble", "treble", "bass", "treble", "treble", "bass", "treble", "treble", "alto", "bass", "bass"},
			names: map[int]string{0: "Flöten", 1: "Oboen", 2: "Klarinetten", 3: "Fagotte", 4: "Hörner", 5: "Trompeten", 6: "Pauken",
				7: "Violine I", 8: "Violine II", 9: "Bratsche", 10: "Violoncello", 11: "Kontrabass"}}, "orchestra", 0.8},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			n := len(tc.in.clefs)
			m := &metadata.Music{Staves: n, Clefs: tc.in.clefs, Bracketed: tc.in.bracketed}
			sys := system{staves: make([]int, n), braces: tc.in.braces}
			lyrics := tc.in.lyrics
			if lyrics == nil {
				lyrics = make([]bool, n)
			}
			var named []namedStaff
			for i := range n {
				if s, ok := tc.in.names[i]; ok {
					named = append(named, namedStaff{staff: i, text: s})
				}
			}
			got, conf := instrumentation(m, sys, lyrics, named)
			require.Equal(t, tc.want, got)
			require.InDelta(t, tc.conf, conf, 1e-9)
		})
	}
}
