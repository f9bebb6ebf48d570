package main

import "testing"

// The normalisers must count every printed spelling of a value as the ground truth's
// normal form, and keep different values apart.
func TestNormalisers(t *testing.T) {
	t.Parallel()
	same := []struct {
		norm func(string) string
		a, b string
	}{
		{normCatalogue, "Op. 25, N.º 3", "Op. 25 No. 3"},
		{normCatalogue, "Op. 46, č. 8", "Op. 46 No. 8"},
		{normCatalogue, "D 899 Nr. 3", "D. 899 No. 3"},
		{normCatalogue, "Op. 10 № 12", "Op. 10 No. 12"},
		{normCatalogue, "op. 25, n. 3", "Op. 25 No. 3"},
		{normCatalogue, "Op. 37 núm. 5", "Op. 37 No. 5"},
		{normCatalogue, "KV 331", "K. 331"},
		{normCatalogue, "K.V. 331", "K. 331"},
		{normCatalogue, "Hob. XVI/52", "Hob. XVI:52"},
		{normCatalogue, "Opus 13", "Op. 13"},
		{normCatalogue, "WoO. 59", "WoO 59"},
		{normText, "Symphonie № 8", "Symphonie Nr. 8"},
		{normText, "ÉTUDE", "Étude"},
		{normText, "Dido’s Lament", "Dido's Lament"},
		{normName, "Frederic Chopin", "Frédéric Chopin"},
		{normName, "Agathe Backer-Grondahl", "Agathe Backer Grøndahl"},
		{normKey, "E♭ major", "E-flat major"},
		{normKey, "Eb major", "E-flat major"},
		{normKey, "f sharp minor", "F-sharp minor"},
		{normInstrumentation, "piano and violin", "violin and piano"},
		{normInstrumentation, "Violoncello and Pianoforte", "cello and piano"},
		{normInstrumentation, "two violins, viola and cello", "string quartet"},
		{normInstrumentation, "violin, cello and piano", "piano trio"},
		{normInstrumentation, "mixed choir", "SATB choir"},
		{normInstrumentation, "piano 4 hands", "piano four hands"},
	}
	for _, c := range same {
		if c.norm(c.a) != c.norm(c.b) {
			t.Errorf("%q (%q) and %q (%q) should compare equal", c.a, c.norm(c.a), c.b, c.norm(c.b))
		}
	}
	different := []struct {
		norm func(string) string
		a, b string
	}{
		{normCatalogue, "Op. 25 No. 3", "Op. 25"},
		{normCatalogue, "Op. 25 No. 3", "Op. 25 No. 2"},
		{normCatalogue, "K. 331", "D. 331"},
		{normKey, "E-flat major", "E-flat minor"},
		{normKey, "B major", "B-flat major"},
		{normInstrumentation, "piano", "piano four hands"},
		{normInstrumentation, "violin and piano", "violin"},
		{normName, "Robert Schumann", "Clara Schumann"},
		{normText, "Nocturne", "Nocturne No. 5"},
	}
	for _, c := range different {
		if c.norm(c.a) == c.norm(c.b) {
			t.Errorf("%q and %q should differ (both %q)", c.a, c.b, c.norm(c.a))
		}
	}
}

// An empty ground truth is right only when the product says nothing.
func TestCorrectEmpty(t *testing.T) {
	t.Parallel()
	r := record{Title: "Étude", Key: "", Opus: ""}
	if !correct(r, got{}, "key") || !correct(r, got{}, "opus") {
		t.Error("nothing found where the page has nothing should count as right")
	}
	if correct(r, got{Key: "C major"}, "key") || correct(r, got{Opus: "Op. 1"}, "opus") {
		t.Error("a value where the page has none should count as wrong")
	}
	if !correct(r, got{Title: "ETUDE"}, "title") {
		t.Error("title case should not matter")
	}
}
