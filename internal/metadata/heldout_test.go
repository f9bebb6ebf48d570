package metadata_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/metadata"
)

// heldOut is a set of title pages written before the rules they test and kept out of their
// tuning: TestLocalHeldOut reports how many of its fields the local provider gets right. A
// wanted "" means the field must be absent (empty beats wrong); fields not named are not
// scored. Do not change a case to make it pass: add a case to the rule tests instead.
var heldOut = []struct {
	name string
	in   metadata.Input
	want map[string]string
}{
	{"de brahms vier ernste", metadata.Input{Filename: "score.pdf", FirstPageText: page(
		"Herrn Professor Julius Stockhausen gewidmet", "Vier ernste Gesänge",
		"für eine Baßstimme mit Begleitung des Pianoforte", "Op. 121", "Johannes Brahms", "I", "Andante",
		"\x03\x03 4 \x05\x01", "p", "Music engraving by LilyPond 2.24.1—www.lilypond.org")},
		map[string]string{"title": "Vier ernste Gesänge", "composer": "Johannes Brahms", "opus": "Op. 121",
			"instrumentation": "voice and piano", "key": ""}},
	{"fr faure impromptu", metadata.Input{Filename: "impromptu.pdf", FirstPageText: page(
		"à mon ami Louis Diémer", "Impromptu", "en fa dièse mineur", "pour Piano", "Gabriel Fauré", "Op. 31 N° 2",
		"Allegro molto moderato ♩ = 120", "\x04\x02 \x06 8", "pp")},
		map[string]string{"title": "Impromptu", "composer": "Gabriel Fauré", "key": "F-sharp minor",
			"instrumentation": "piano", "opus": "Op. 31 No. 2"}},
	{"it brahms sonata", metadata.Input{Filename: "x.pdf", FirstPageText: page(
		"Sonata", "per Violino e Pianoforte", "in Re minore", "Op. 108", "JOHANNES BRAHMS", "(1833–1897)",
		"Allegro", "Violino", "Pianoforte", "\x03 3 \x05", "f")},
		map[string]string{"title": "Sonata", "composer": "Johannes Brahms", "key": "D minor",
			"instrumentation": "violin and piano", "opus": "Op. 108"}},
	{"es tarrega", metadata.Input{Filename: "recuerdos.pdf", FirstPageText: page(
		"Recuerdos de la Alhambra", "Trémolo", "para Guitarra", "Francisco Tárrega", "(1852-1909)", "Andante",
		"\x02\x03 3 4", "p")},
		map[string]string{"title": "Recuerdos de la Alhambra", "composer": "Francisco Tárrega", "instrumentation": "guitar",
			"key": "", "opus": ""}},
	{"cs dvorak humoresky", metadata.Input{Filename: "humoresky.pdf", FirstPageText: page(
		"Antonín Dvořák", "Humoresky", "Op. 101, č. 7", "pro klavír", "Poco lento e grazioso", "Ges dur", "\x03\x03 2 4")},
		map[string]string{"title": "Humoresky", "composer": "Antonín Dvořák", "opus": "Op. 101 No. 7", "instrumentation": "piano",
			"key": "G-flat major"}},
	{"en musescore quartet with smufl glyphs", metadata.Input{Filename: "haydn.pdf", FirstPageText: page(
		"Quartet in D major", "Hob. III:79", "Joseph Haydn", "Allegro moderato", "Violino I", "Violino II", "Viola",
		"Violoncello", "\ue050\ue083 \ue262", "\ue050 \ue262\ue262", "2")},
		map[string]string{"title": "Quartet in D major", "composer": "Joseph Haydn", "opus": "Hob. III:79", "key": "D major",
			"instrumentation": "string quartet"}},
	{"ocr de schubert misread", metadata.Input{Filename: "scan 00.pdf", FirstPageSource: metadata.SourceOCR,
		FirstPageConfidence: 0.82, FirstPageText: page("IMPROMPTU", "Franz Schuberf", "D 899 Nr. 3",
			"Andante mit bewegung", "Ges-Dur", "4 5 3) ee", "LEE ; | Ty")},
		map[string]string{"title": "Impromptu", "composer": "Franz Schubert", "opus": "D. 899 No. 3", "key": "G-flat major"}},
	{"en bach wtc, initials are no catalogue", metadata.Input{Filename: "wtc.pdf", FirstPageText: page(
		"The Well-Tempered Clavier", "Book I", "Prelude and Fugue", "BWV 846", "J. S. Bach", "Edited by Hans Bischoff")},
		map[string]string{"title": "The Well-Tempered Clavier", "composer": "Johann Sebastian Bach", "opus": "BWV 846", "key": ""}},
	{"fr faure song with poet", metadata.Input{Filename: "clair.pdf", FirstPageText: page(
		"Paroles de Paul Verlaine", "Clair de lune", "Chant et Piano", "Gabriel Fauré", "Op. 46, N° 2",
		"Andantino moderato", "\x05 3 4", "pp")},
		map[string]string{"title": "Clair de lune", "composer": "Gabriel Fauré", "instrumentation": "voice and piano",
			"opus": "Op. 46 No. 2"}},
	{"it tempo line first", metadata.Input{Filename: "sinfonia.pdf", FirstPageText: page(
		"Allegro con brio", "Sinfonia N. 5", "in Do minore", "Ludwig van Beethoven", "Op. 67", "per Orchestra")},
		map[string]string{"title": "Sinfonia N. 5", "composer": "Ludwig van Beethoven", "key": "C minor",
			"instrumentation": "orchestra", "opus": "Op. 67"}},
	{"de four hands, number on its own line", metadata.Input{Filename: "tanz.pdf", FirstPageText: page(
		"Ungarische Tänze", "für Klavier zu vier Händen", "Nr. 5", "fis-Moll", "Johannes Brahms", "WoO 1")},
		map[string]string{"title": "Ungarische Tänze", "instrumentation": "piano four hands", "key": "F-sharp minor",
			"opus": "WoO 1 No. 5", "composer": "Johannes Brahms"}},
	{"nl clementi", metadata.Input{Filename: "s.pdf", FirstPageText: page(
		"Sonatine", "in G groot", "voor piano", "Muzio Clementi", "Op. 36 nr. 2", "Allegro", "\x03 4 4")},
		map[string]string{"title": "Sonatine", "key": "G major", "instrumentation": "piano", "opus": "Op. 36 No. 2",
			"composer": "Muzio Clementi"}},
	{"no grieg", metadata.Input{Filename: "g.pdf", FirstPageText: page(
		"Lyriske stykker", "Edvard Grieg", "Op. 12 Nr. 1", "Arietta", "Es-dur", "for klaver", "Poco andante e sostenuto")},
		map[string]string{"title": "Lyriske stykker", "composer": "Edvard Grieg", "opus": "Op. 12 No. 1", "key": "E-flat major",
			"instrumentation": "piano"}},
	{"pl chopin polonez", metadata.Input{Filename: "p.pdf", FirstPageText: page(
		"Fryderyk Chopin", "Polonez", "As-dur", "Op. 53", "na fortepian", "Maestoso")},
		map[string]string{"title": "Polonez", "composer": "Frédéric Chopin", "key": "A-flat major", "opus": "Op. 53",
			"instrumentation": "piano"}},
	{"pt villa-lobos", metadata.Input{Filename: "v.pdf", FirstPageText: page(
		"Heitor Villa-Lobos", "Prelúdio N.º 1", "para violão", "em mi menor")},
		map[string]string{"title": "Prelúdio N.º 1", "composer": "Heitor Villa-Lobos", "instrumentation": "guitar",
			"key": "E minor"}},
	{"la mozart motet satb", metadata.Input{Filename: "ave.pdf", FirstPageText: page(
		"Ave verum corpus", "Motetto", "SATB", "W. A. Mozart", "KV 618", "Adagio", "Soprano", "Alto", "Tenore", "Basso",
		"\x03 2 2", "sotto voce")},
		map[string]string{"title": "Ave verum corpus", "composer": "Wolfgang Amadeus Mozart", "opus": "K. 618",
			"instrumentation": "SATB choir"}},
	{"info dict title, name last-first", metadata.Input{Filename: "upload.pdf",
		Info:          map[string]string{"Title": "Gymnopédie No. 1", "Composer": "SATIE, Erik"},
		FirstPageText: page("\x03\x02 \x04", "Lent et douloureux", "Erik Satie", "pp")},
		map[string]string{"title": "Gymnopédie No. 1", "composer": "Erik Satie", "key": "", "instrumentation": "", "opus": ""}},
	{"unknown composer last-first caps", metadata.Input{Filename: "x.pdf", Info: map[string]string{"Author": "MÜLLER, Hans"},
		FirstPageText: page("Drei kleine Stücke", "für Flöte und Klavier", "Hans Müller")},
		map[string]string{"composer": "Hans Müller", "instrumentation": "flute and piano", "title": "Drei kleine Stücke"}},
	{"ocr it clementi noisy", metadata.Input{Filename: "scan.pdf", FirstPageSource: metadata.SourceOCR, FirstPageConfidence: 0.6,
		FirstPageText: page(", ] ;", "SONATA", "in Mi bemolle maggiore", "per Pianoforte", "Muzio Clementi", "Op. 12 N. 4",
			"a | 4 — ‘", "ie. ae Pe")},
		map[string]string{"title": "Sonata", "key": "E-flat major", "instrumentation": "piano", "composer": "Muzio Clementi",
			"opus": "Op. 12 No. 4"}},
	{"music only", metadata.Input{Filename: "minuet.pdf", FirstPageText: page("Minuet", "Christian Petzold", "\x03 3 4"),
		Music: &metadata.Music{Staves: 2, Braced: 2, Clefs: []string{"treble", "bass"}, Instrumentation: "piano",
			InstrumentationConfidence: 0.8, Fifths: 1, KeySignatureRead: true, Key: "G major", KeyConfidence: 0.6}},
		map[string]string{"title": "Minuet", "composer": "Christian Petzold", "instrumentation": "piano", "key": "G major",
			"key_signature": "1 sharp"}},
	{"text and music disagree", metadata.Input{Filename: "s.pdf", FirstPageText: page("Sonate", "in D-Dur", "Carl Czerny"),
		Music: &metadata.Music{Staves: 2, Braced: 2, Instrumentation: "piano", InstrumentationConfidence: 0.8, Fifths: -3,
			KeySignatureRead: true, Key: "E-flat major", KeyConfidence: 0.7}},
		map[string]string{"key": "D major", "key_signature": "3 flats", "composer": "Carl Czerny", "title": "Sonate"}},
	{"de d-dur is no catalogue", metadata.Input{Filename: "x.pdf", FirstPageText: page(
		"Präludium und Fuge D-Dur", "J. S. Bach", "BWV 850")},
		map[string]string{"opus": "BWV 850", "key": "D major", "title": "Präludium und Fuge D-Dur", "composer": "Johann Sebastian Bach"}},
	{"it song, mi as a word", metadata.Input{Filename: "caro.pdf", FirstPageText: page(
		"Caro mio ben", "Arietta", "Giuseppe Giordani", "Canto e pianoforte", "Larghetto",
		"Caro mio ben, credimi almen, senza di te languisce il cor", "mi do la pena")},
		map[string]string{"title": "Caro mio ben", "composer": "Giuseppe Giordani", "instrumentation": "voice and piano", "key": ""}},
	{"glyphs only, file name", metadata.Input{Filename: "Nocturne_Op55_No1.pdf", FirstPageText: page("\x03\x02 \x04", "p f", "3 3", "\x05\x05")},
		map[string]string{"opus": "Op. 55 No. 1", "key": "", "composer": ""}},
	{"de tschaikowsky", metadata.Input{Filename: "j.pdf", FirstPageText: page(
		"P. Tschaikowsky", "Jahreszeiten", "Op. 37a", "Juni", "Barcarole", "g-moll")},
		map[string]string{"composer": "Pyotr Ilyich Tchaikovsky", "opus": "Op. 37a", "key": "G minor", "title": "Jahreszeiten"}},
	{"fr orchestra labels", metadata.Input{Filename: "faune.pdf", FirstPageText: page(
		"Prélude à l'après-midi d'un faune", "Claude Debussy", "Très modéré", "Flûtes", "Hautbois", "Cors anglais",
		"Clarinettes", "Bassons", "Cors", "Harpes", "Violons", "Altos", "Violoncelles", "Contrebasses")},
		map[string]string{"title": "Prélude à l'après-midi d'un faune", "composer": "Claude Debussy", "instrumentation": "orchestra"}},
	{"layout text, composer right of tempo", metadata.Input{Filename: "e.pdf", FirstPageText: "                    Etude\n" +
		"                   Op. 10 № 12\nAllegro con fuoco  ♩ = 160                        Fr. Chopin\n\x03 \x04\x04 4\n"},
		map[string]string{"title": "Etude", "opus": "Op. 10 No. 12", "composer": "Frédéric Chopin", "key": ""}},
	{"de organ", metadata.Input{Filename: "t.pdf", FirstPageText: page(
		"Toccata und Fuge", "d-Moll", "für Orgel", "BWV 565", "Johann Sebastian Bach")},
		map[string]string{"instrumentation": "organ", "key": "D minor", "opus": "BWV 565", "title": "Toccata und Fuge"}},
	{"mutopia taglines first", metadata.Input{Filename: "sic.pdf", FirstPageText: page(
		"Public Domain", "Mutopia Project", "Sicilienne", "Maria Theresia von Paradis", "for Violin and Piano",
		"Copyright © 2005. Creative Commons Attribution-ShareAlike 3.0")},
		map[string]string{"title": "Sicilienne", "instrumentation": "violin and piano", "composer": "Maria Theresia von Paradis"}},
	{"es cello", metadata.Input{Filename: "c.pdf", FirstPageText: page("El cant dels ocells", "Pau Casals", "para Violonchelo y Piano")},
		map[string]string{"title": "El cant dels ocells", "instrumentation": "cello and piano"}},
	{"cs quartet number is not the opus's", metadata.Input{Filename: "q.pdf", FirstPageText: page(
		"Smyčcový kvartet č. 12 F dur", "„Americký“", "Antonín Dvořák", "Op. 96")},
		map[string]string{"title": "Smyčcový kvartet č. 12 F dur", "instrumentation": "string quartet", "key": "F major",
			"opus": "Op. 96", "composer": "Antonín Dvořák"}},
	{"en key without mode is no key", metadata.Input{Filename: "w.pdf", FirstPageText: page("Waltz in Eb", "for piano solo", "Anon.")},
		map[string]string{"title": "Waltz in Eb", "key": "", "instrumentation": "piano"}},
	{"fr collection and piece", metadata.Input{Filename: "n.pdf", FirstPageText: page(
		"Trois Nocturnes", "Nocturne", "en si bémol mineur", "Frédéric Chopin", "Op. 9, No. 1")},
		map[string]string{"title": "Trois Nocturnes", "subtitle": "Nocturne", "key": "B-flat minor", "opus": "Op. 9 No. 1"}},
	{"de german b", metadata.Input{Filename: "s.pdf", FirstPageText: page("Sonate B-Dur", "Franz Schubert", "D 960")},
		map[string]string{"key": "B-flat major", "opus": "D. 960", "composer": "Franz Schubert"}},
	{"de german h", metadata.Input{Filename: "s.pdf", FirstPageText: page("Sonate h-Moll", "Franz Liszt", "S. 178")},
		map[string]string{"key": "B minor", "opus": "S. 178", "composer": "Franz Liszt", "title": "Sonate h-Moll"}},
}

func page(lines ...string) string { return strings.Join(lines, "\n") + "\n\f" }

// TestLocalHeldOut scores the local provider on the held-out pages, per field, and fails
// below a floor set before the rules were written.
func TestLocalHeldOut(t *testing.T) {
	l := metadata.NewLocal()
	right, total := map[string]int{}, map[string]int{}
	var misses []string
	for _, c := range heldOut {
		r, err := l.Extract(context.Background(), c.in)
		require.NoError(t, err)
		for field, want := range c.want {
			total[field]++
			got, _ := r[field].Value.(string)
			if got == want {
				right[field]++
			} else {
				misses = append(misses, fmt.Sprintf("%s: %s = %q, want %q", c.name, field, got, want))
			}
		}
	}
	fields := make([]string, 0, len(total))
	for f := range total {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	all, allRight := 0, 0
	for _, f := range fields {
		t.Logf("%-16s %2d/%2d", f, right[f], total[f])
		all += total[f]
		allRight += right[f]
	}
	t.Logf("%-16s %2d/%2d = %.2f", "all", allRight, all, float64(allRight)/float64(all))
	for _, m := range misses {
		t.Log("miss: " + m)
	}
	require.GreaterOrEqual(t, float64(allRight)/float64(all), 0.8)
}
