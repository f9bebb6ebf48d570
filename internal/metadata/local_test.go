package metadata_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/metadata"
)

func TestLocal(t *testing.T) {
	l := metadata.NewLocal()
	cases := []struct {
		name string
		in   metadata.Input
		want map[string]any // field → value; fields not named are not checked
		from map[string]string
	}{
		{
			name: "engraver info dict with non-standard keys",
			in: metadata.Input{Filename: "upload.pdf", Info: map[string]string{
				"Title": "Nocturne in E-flat major", "Subtitle": "Op. 9, No. 2", "Composer": "F. Chopin",
				"Keywords": "nocturne, romantic"}},
			want: map[string]any{"title": "Nocturne in E-flat major", "subtitle": "Op. 9, No. 2",
				"composer": "Frédéric Chopin", "opus": "Op. 9 No. 2", "key": "E-flat major", "period": "Romantic",
				"tags": []string{"nocturne", "romantic"}},
			from: map[string]string{"title": metadata.SourceInfoDict, "composer": metadata.SourceInfoDict},
		},
		{
			name: "first page text, diacritics missing, catalogue number",
			in:   metadata.Input{Filename: "scan0001.pdf", FirstPageText: "Humoreske\n\nAntonin Dvorak\nOp. 101 No. 7\n\nPoco lento e grazioso\n"},
			want: map[string]any{"title": "Humoreske", "composer": "Antonín Dvořák", "opus": "Op. 101 No. 7"},
			from: map[string]string{"title": metadata.SourcePageText, "composer": metadata.SourcePageText},
		},
		{
			name: "file name only",
			in:   metadata.Input{Filename: "Bach_Prelude_in_C_major_BWV_846.pdf"},
			want: map[string]any{"composer": "Johann Sebastian Bach", "opus": "BWV 846", "key": "C major", "period": "Baroque"},
			from: map[string]string{"composer": metadata.SourceFilename},
		},
		{
			name: "Mozart's Köchel and Haydn's Hoboken numbers, tempo and instrumentation",
			in:   metadata.Input{Filename: "x.pdf", FirstPageText: "Sonata in A major\nK. 331\nfor piano\nAndante grazioso\nW. A. Mozart"},
			want: map[string]any{"opus": "K. 331", "key": "A major", "instrumentation": "piano", "tempo": "Andante",
				"composer": "Wolfgang Amadeus Mozart", "period": "Classical"},
		},
		{
			name: "generic title ignored; author that is no known composer kept with low confidence",
			in:   metadata.Input{Filename: "x.pdf", Info: map[string]string{"Title": "Microsoft Word - doc1.docx", "Author": "Jane Roe"}},
			want: map[string]any{"composer": "Jane Roe"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := l.Extract(context.Background(), c.in)
			require.NoError(t, err)
			for field, want := range c.want {
				require.Contains(t, r, field)
				require.Equal(t, want, r[field].Value, field)
				require.Greater(t, r[field].Confidence, 0.0)
				require.LessOrEqual(t, r[field].Confidence, 1.0)
			}
			for field, src := range c.from {
				require.Equal(t, src, r[field].Source, field)
			}
		})
	}
	r, err := l.Extract(context.Background(), metadata.Input{Filename: "x.pdf", Info: map[string]string{"Title": "Microsoft Word - doc1.docx"}})
	require.NoError(t, err)
	require.NotEqual(t, "Microsoft Word - doc1.docx", r["title"].Value)
	jane, err := l.Extract(context.Background(), metadata.Input{Filename: "x.pdf", Info: map[string]string{"Author": "Jane Roe"}})
	require.NoError(t, err)
	require.Less(t, jane["composer"].Confidence, 0.6, "an unknown author is a weak guess")
}
