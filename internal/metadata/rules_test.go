package metadata_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/metadata"
)

// fieldCase is a page and the values wanted of one field ("" means the field must be absent).
type fieldCase struct {
	name string
	text string
	want string
}

func runField(t *testing.T, field string, cases []fieldCase) {
	t.Helper()
	l := metadata.NewLocal()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := l.Extract(context.Background(), metadata.Input{Filename: "upload.pdf", FirstPageText: c.text})
			require.NoError(t, err)
			if c.want == "" {
				require.NotContains(t, r, field, "%s = %v", field, r[field].Value)
				return
			}
			require.Contains(t, r, field)
			require.Equal(t, c.want, r[field].Value)
			require.Equal(t, metadata.SourcePageText, r[field].Source)
		})
	}
}

func TestLocalInstrumentation(t *testing.T) {
	runField(t, "instrumentation", []fieldCase{
		{"de Klavier", page("Sonate", "für Klavier", "Ludwig van Beethoven"), "piano"},
		{"it pianoforte", page("Sonata", "per il Pianoforte", "Muzio Clementi"), "piano"},
		{"fr piano", page("Valse", "pour le Piano", "Frédéric Chopin"), "piano"},
		{"en piano solo", page("Rag", "for piano solo"), "piano"},
		{"cs klavir", page("Dumka", "pro klavír"), "piano"},
		{"pl fortepian", page("Mazurek", "na fortepian"), "piano"},
		{"de vier Händen", page("Slawische Tänze", "für Klavier zu vier Händen", "Antonín Dvořák"), "piano four hands"},
		{"de vierhändig", page("Ungarische Tänze", "Klavier vierhändig"), "piano four hands"},
		{"fr quatre mains", page("Dolly", "Suite pour piano à quatre mains"), "piano four hands"},
		{"it quattro mani", page("Sonata", "per pianoforte a quattro mani"), "piano four hands"},
		{"cs ctyri ruce", page("Slovanské tance", "pro klavír na čtyři ruce"), "piano four hands"},
		{"de zwei Klaviere", page("Sonate", "für zwei Klaviere"), "two pianos"},
		{"fr deux pianos", page("En blanc et noir", "pour deux pianos"), "two pianos"},
		{"de Gesang und Klavier", page("Die Forelle", "Gesang und Klavier"), "voice and piano"},
		{"de Singstimme", page("Lied", "für eine Singstimme mit Begleitung des Pianoforte"), "voice and piano"},
		{"fr chant et piano", page("Mélodie", "Chant et Piano"), "voice and piano"},
		{"fr voix et piano", page("Nuit d'étoiles", "pour voix et piano"), "voice and piano"},
		{"it canto e pianoforte", page("Aria", "Canto e pianoforte"), "voice and piano"},
		{"es voz y piano", page("Canción", "para voz y piano"), "voice and piano"},
		{"en soprano and piano", page("Song", "for Soprano and Piano"), "voice and piano"},
		{"es guitarra", page("Lágrima", "para Guitarra"), "guitar"},
		{"de Gitarre", page("Etüde", "für Gitarre"), "guitar"},
		{"it chitarra", page("Studio", "per chitarra"), "guitar"},
		{"de Violine und Klavier", page("Sonate", "für Violine und Klavier"), "violin and piano"},
		{"de Geige", page("Romanze", "für Geige und Klavier"), "violin and piano"},
		{"fr violon et piano", page("Méditation", "pour violon et piano"), "violin and piano"},
		{"es violin y piano", page("Danza", "para violín y piano"), "violin and piano"},
		{"cs housle a klavir", page("Romance", "pro housle a klavír"), "violin and piano"},
		{"de Violoncello", page("Sonate", "für Violoncello und Klavier"), "cello and piano"},
		{"fr violoncelle", page("Élégie", "pour violoncelle et piano"), "cello and piano"},
		{"de Flöte", page("Sonate", "für Flöte und Klavier"), "flute and piano"},
		{"fr flûte", page("Syrinx", "pour flûte seule"), "flute"},
		{"it flauto", page("Sonata", "per flauto e cembalo"), "flute and harpsichord"},
		{"en clarinet", page("Sonata", "for Clarinet in B♭ and Piano"), "clarinet and piano"},
		{"de Streichquartett title", page("Streichquartett Nr. 14", "d-Moll", "Franz Schubert"), "string quartet"},
		{"fr quatuor a cordes", page("Quatuor à cordes", "Claude Debussy"), "string quartet"},
		{"it quartetto d'archi", page("Quartetto d'archi", "Giuseppe Verdi"), "string quartet"},
		{"es cuarteto de cuerda", page("Cuarteto de cuerda", "Juan Crisóstomo Arriaga"), "string quartet"},
		{"cs smyccovy kvartet", page("Smyčcový kvartet", "Bedřich Smetana"), "string quartet"},
		{"it labels quartet", page("Quartetto", "Allegro", "Violino I", "Violino II", "Viola", "Violoncello", "\x03\x04 2"), "string quartet"},
		{"abbreviated labels", page("Quartet", "Vl. 1, Vl. 2, Va., Vc."), "string quartet"},
		{"fr labels of two systems, interleaved (pdftotext)", page("Premier mouvement", "Violon I", "", "Violon II", "", "Violoncelle",
			"Vl. I", "Vl. II", "A.", "Vc.", "\x01\x04", "et très décidé", "\x04\x04 Animé", "f", "Alto", "\x02 3"), "string quartet"},
		{"de labels repeated on the second system", page("Trio", "Violine", "Violoncello", "Klavier", "\x03 3 4", "Vl.", "Vc.", "Kl."), "piano trio"},
		{"de labels trio", page("Trio", "Violine", "Violoncello", "Klavier"), "piano trio"},
		{"de Klaviertrio", page("Klaviertrio", "Op. 99"), "piano trio"},
		{"de Orgel", page("Präludium", "für Orgel"), "organ"},
		{"fr orgue", page("Toccata", "pour orgue"), "organ"},
		{"es organo", page("Tiento", "para órgano"), "organ"},
		{"cs varhany", page("Preludium", "pro varhany"), "organ"},
		{"de Chor", page("Motette", "für gemischten Chor"), "choir"},
		{"fr choeur", page("Cantique", "pour chœur et orchestre"), "choir and orchestra"},
		{"it coro", page("Ave Maria", "per coro"), "choir"},
		{"satb", page("Ave Maria", "SATB"), "SATB choir"},
		{"satb labels", page("Kyrie", "Soprano", "Alto", "Tenor", "Bass"), "SATB choir"},
		{"satb one line", page("Gloria", "Soprano Alto Tenor Bass"), "SATB choir"},
		{"satb initials", page("Psalm", "S A T B"), "SATB choir"},
		{"de Orchester", page("Symphonie Nr. 5", "für großes Orchester"), "orchestra"},
		{"de Violine und Orchester", page("Konzert", "für Violine und Orchester"), "violin and orchestra"},
		{"en piano and orchestra", page("Concerto", "for Piano and Orchestra"), "piano and orchestra"},
		{"orchestra labels de", page("Ouvertüre", "Flöten", "Oboen", "Klarinetten", "Fagotte", "Hörner", "Trompeten", "Pauken",
			"Violine I", "Violine II", "Bratsche", "Violoncello", "Kontrabass"), "orchestra"},
		{"de Violine", page("Partita", "für Violine allein"), "violin"},
		{"fr violon", page("Caprice", "pour violon seul"), "violin"},
		{"de Violoncello solo", page("Suite", "für Violoncello solo"), "cello"},
		{"no klaver", page("Vals", "for klaver"), "piano"},
		{"sv piano", page("Vals", "för piano"), "piano"},
		{"nl voor piano", page("Wals", "voor piano"), "piano"},
		{"pt violao", page("Choro", "para violão"), "guitar"},
		{"single label piano", page("Minuet", "Piano", "\x03 3 4"), "piano"},
		{"two violins", page("Duo", "für zwei Violinen"), "two violins"},
		{"harp", page("Impromptu", "pour harpe"), "harp"},
		{"sv rost och piano", page("Visa", "för röst och piano"), "voice and piano"},
		{"da sang og klaver", page("Romance", "for sang og klaver"), "voice and piano"},
		{"la part names", page("Motetum", "Discantus", "Altus", "Tenor", "Bassus"), "SATB choir"},
		{"bass flute is no voice", page("Sorcery", "bass flute", "\x10", "\x01 = 42"), "flute"},
		{"de Bassklarinette", page("Stück", "für Bassklarinette und Klavier"), "clarinet and piano"},
		{"labels naming no known ensemble", page("Aria", "Violino I.", "\x08\x08", "Violino II.", "SESTO.", "Bassi.", "5"), ""},
		{"no instrumentation", page("Nocturne", "Frédéric Chopin", "Op. 9, No. 2"), ""},
		{"title with word clavier is no call", page("Das wohltemperierte Clavier", "J. S. Bach"), ""},
		{"pour in a dedication", page("Romance", "pour mon ami le violoniste", "Gabriel Fauré"), ""},
		{"song title Chant du soir", page("Chant du soir", "Robert Schumann"), ""},
	})
}

func TestLocalKey(t *testing.T) {
	runField(t, "key", []fieldCase{
		{"en E-flat major", page("Nocturne in E-flat major", "Op. 9 No. 2"), "E-flat major"},
		{"en Eb major", page("Waltz in Eb major"), "E-flat major"},
		{"en E♭", page("Impromptu in E♭ major"), "E-flat major"},
		{"en B♭ minor", page("Sonata in B♭ minor"), "B-flat minor"},
		{"en C-sharp minor", page("Prelude in C-sharp minor"), "C-sharp minor"},
		{"en F# minor", page("Etude in F# minor"), "F-sharp minor"},
		{"en lower case minor after in", page("Fugue in a minor"), "A minor"},
		{"de Es-Dur", page("Sonate", "Es-Dur"), "E-flat major"},
		{"de d-Moll", page("Toccata und Fuge d-Moll"), "D minor"},
		{"de fis-Moll", page("Polonaise fis-Moll"), "F-sharp minor"},
		{"de As-dur", page("Ballade As-dur"), "A-flat major"},
		{"de H-Moll", page("Messe in H-Moll"), "B minor"},
		{"de h-moll", page("Sonate h-moll"), "B minor"},
		{"de B-Dur is B-flat", page("Trio B-Dur"), "B-flat major"},
		{"de b-moll is B-flat minor", page("Scherzo b-moll"), "B-flat minor"},
		{"de Des-Dur", page("Walzer Des-Dur"), "D-flat major"},
		{"de Ges-Dur", page("Impromptu Ges-Dur"), "G-flat major"},
		{"de Ces-Dur", page("Präludium Ces-Dur"), "C-flat major"},
		{"de Cis-Moll", page("Präludium cis-Moll"), "C-sharp minor"},
		{"de Gis-Moll", page("Etüde gis-Moll"), "G-sharp minor"},
		{"de Dis-Moll", page("Etüde dis-Moll"), "D-sharp minor"},
		{"de Ais-Moll", page("Fuge ais-Moll"), "A-sharp minor"},
		{"de in C-Dur", page("Sonate in C-Dur"), "C major"},
		{"cs d moll", page("Dumka d moll"), "D minor"},
		{"cs Es dur", page("Serenáda Es dur"), "E-flat major"},
		{"cs g-moll", page("Polka g-moll"), "G minor"},
		{"sv Ess-dur", page("Romans Ess-dur"), "E-flat major"},
		{"no a-moll", page("Konsert i a-moll"), "A minor"},
		{"fr re mineur", page("Suite en ré mineur"), "D minor"},
		{"fr mi bemol majeur", page("Nocturne", "mi bémol majeur"), "E-flat major"},
		{"fr fa diese mineur", page("Impromptu en fa dièse mineur"), "F-sharp minor"},
		{"fr ut majeur", page("Messe en ut majeur"), "C major"},
		{"it Re minore", page("Sonata in Re minore"), "D minor"},
		{"it Mi bemolle maggiore", page("Concerto in Mi bemolle maggiore"), "E-flat major"},
		{"it Fa diesis minore", page("Sonata in Fa diesis minore"), "F-sharp minor"},
		{"es mi menor", page("Estudio en mi menor"), "E minor"},
		{"es Si bemol mayor", page("Sonata en Si bemol mayor"), "B-flat major"},
		{"es Sol mayor, op.", page("Minueto en Sol mayor, Op. 11"), "G major"},
		{"pt Do maior", page("Valsa em Dó maior"), "C major"},
		{"nl Es groot", page("Sonate in Es groot"), "E-flat major"},
		{"nl a klein", page("Rondo in a klein"), "A minor"},
		{"no mode no key", page("Prelude in C"), ""},
		{"B alone no key", page("Variations on B-A-C-H"), ""},
		{"do as a word", page("Do not go gentle"), ""},
		{"mi as pronoun", page("Caro mio ben", "mi fa languir"), ""},
		{"la mayor parte is no key", page("Canción", "en la mayor parte del mundo"), ""},
		{"a major as words", page("Sketches", "a major collection of pieces"), ""},
		{"key in a dedication ignored", page("Sonata", "dedicated to Mr. A. Minor"), ""},
	})
}

func TestLocalCatalogue(t *testing.T) {
	runField(t, "opus", []fieldCase{
		{"es Op. N.º", page("Estudio", "Op. 25, N.º 3"), "Op. 25 No. 3"},
		{"cs Op. c.", page("Slovanský tanec", "Op. 46, č. 8"), "Op. 46 No. 8"},
		{"de D Nr.", page("Impromptu", "D 899 Nr. 3"), "D. 899 No. 3"},
		{"numero sign", page("Etude", "Op. 10 № 12"), "Op. 10 No. 12"},
		{"lower case no spaces", page("Prelude op.28 no.4"), "Op. 28 No. 4"},
		{"de Opus Nummer", page("Sonate", "Opus 2 Nummer 3"), "Op. 2 No. 3"},
		{"BWV", page("Prelude", "BWV 846"), "BWV 846"},
		{"BWV letter", page("Prelude", "BWV 999a"), "BWV 999a"},
		{"K. with dot", page("Sonata", "K. 331"), "K. 331"},
		{"KV", page("Sonate", "KV 331"), "K. 331"},
		{"K.331", page("Sonata K.331"), "K. 331"},
		{"KV with old number", page("Rondo", "KV 485 (Anh. 38)"), "K. 485"},
		{"Hob", page("Sonata", "Hob. XVI:52"), "Hob. XVI:52"},
		{"Hob slash", page("Sonate", "Hob. XVI/52"), "Hob. XVI:52"},
		{"HWV", page("Suite", "HWV 430"), "HWV 430"},
		{"RV", page("Concerto", "RV 269"), "RV 269"},
		{"S.", page("Sonate", "S. 244"), "S. 244"},
		{"S.178", page("Sonata S.178"), "S. 178"},
		{"WoO", page("Für Elise", "WoO 59"), "WoO 59"},
		{"Op. posth.", page("Walzer", "Op. posth."), "Op. posth."},
		{"Op. posth. number", page("Nocturne", "Op. posth. 72 No. 1"), "Op. posth. 72 No. 1"},
		{"opus letter", page("Jahreszeiten", "Op. 37a"), "Op. 37a"},
		{"it N.", page("Sonata", "Op. 12 N. 4"), "Op. 12 No. 4"},
		{"fr N°", page("Nocturne", "Op. 27 N° 2"), "Op. 27 No. 2"},
		{"opus in title line", page("Etude Op. 10 No. 3 in E major"), "Op. 10 No. 3"},
		{"number on its own line", page("Nocturnes", "Op. 9", "No. 2"), "Op. 9 No. 2"},
		{"a symphony's number is not the opus's", page("Sinfonie", "Nr. 5", "c-Moll", "Op. 67"), "Op. 67"},
		{"a sonata's number is not the opus's", page("Sonate", "No. 14", "Op. 27 No. 2"), "Op. 27 No. 2"},
		{"D. with dot and one digit", page("Ländler", "D. 1"), "D. 1"},
		{"J. S. Bach is no S.", page("Invention", "J. S. Bach"), ""},
		{"D-Dur is no D.", page("Sonate D-Dur"), ""},
		{"D. Scarlatti is no D.", page("Sonata", "D. Scarlatti"), ""},
		{"in D 3/4 is no D.", page("Minuet in D 3/4"), ""},
		{"Seite is no S.", page("Inhalt", "siehe S. 12"), ""},
		{"opera is no op", page("Opera 5 arias"), ""},
		{"catalogue in a tagline ignored", page("Sonata", "Edition Peters Nr. 1234"), ""},
	})
}

func TestLocalTitle(t *testing.T) {
	l := metadata.NewLocal()
	cases := []struct {
		name            string
		text            string
		title, subtitle string // "" subtitle: not checked unless noSubtitle
		noSubtitle      bool
	}{
		{"tempo first", page("Allegro moderato", "Sonatine", "Muzio Clementi"), "Sonatine", "", false},
		{"de tempo words", page("Langsam", "Träumerei", "Robert Schumann"), "Träumerei", "", false},
		{"de Lebhaft", page("Lebhaft", "Fröhlicher Landmann"), "Fröhlicher Landmann", "", false},
		{"fr Modéré with metronome", page("Modéré ♩ = 60", "Pavane"), "Pavane", "", false},
		{"it Andante con moto", page("Andante con moto", "Lied ohne Worte"), "Lied ohne Worte", "", false},
		{"dedication first", page("à Madame la Comtesse", "Ballade", "Frédéric Chopin"), "Ballade", "", false},
		{"de dedication", page("Seinem Freunde Robert Schumann gewidmet", "Phantasie"), "Phantasie", "", false},
		{"en dedication", page("To my friend J. Doe", "Berceuse"), "Berceuse", "", false},
		{"dedicated to", page("Dedicated to the memory of my father", "Elegy"), "Elegy", "", false},
		{"poet first", page("Text von Heinrich Heine", "Ich grolle nicht"), "Ich grolle nicht", "", false},
		{"words by", page("Words by Robert Burns", "My Love is like a Red, Red Rose"), "My Love is like a Red, Red Rose", "", false},
		{"paroles de", page("Paroles de Victor Hugo", "Extase"), "Extase", "", false},
		{"arranger first", page("arr. J. Doe", "Greensleeves"), "Greensleeves", "", false},
		{"bearbeitung", page("Bearbeitung: Max Reger", "Choral"), "Choral", "", false},
		{"lilypond tagline", page("\x03 \x04", "Music engraving by LilyPond 2.24.1—www.lilypond.org", "Gavotte"), "Gavotte", "", false},
		{"copyright", page("Copyright © 2004 Jane Roe", "Bourrée"), "Bourrée", "", false},
		{"page number", page("— 2 —", "Menuett"), "Menuett", "", false},
		{"glyph lines", page("\x03\x03 12 \x05\x01", "p f", "mf", "Sarabande", "\ue050\ue062"), "Sarabande", "", false},
		{"finale glyphs", page("& b b 43 œ œ œ Œ", "? b b œ ‰ j œ", "Gigue"), "Gigue", "", false},
		{"composer first", page("Antonín Dvořák", "Humoreske"), "Humoreske", "", false},
		{"composer with dates first", page("Frédéric Chopin (1810–1849)", "Mazurka"), "Mazurka", "", false},
		{"catalogue first", page("Op. 28", "Préludes"), "Préludes", "", false},
		{"subtitle piece name", page("Trois Nocturnes", "Nocturne", "Frédéric Chopin"), "Trois Nocturnes", "Nocturne", false},
		{"subtitle number line", page("Préludes", "No. 4", "Frédéric Chopin", "Op. 28"), "Préludes", "No. 4", false},
		{"subtitle past the composer", page("Kinderszenen", "Robert Schumann", "Op. 15", "Von fremden Ländern und Menschen"), "Kinderszenen", "Von fremden Ländern und Menschen", false},
		{"no subtitle over a tempo", page("Sonatine", "Allegro", "Rondo"), "Sonatine", "", true},
		{"a part's name is no subtitle", page("Orfeo ed Euridice", "\x08\x08", "ORFEO.", "\x01 4"), "Orfeo ed Euridice", "", true},
		{"capitals", page("IMPROMPTU", "Franz Schubert"), "Impromptu", "", false},
		{"capitals several words", page("SONATA IN A MAJOR", "K. 331"), "Sonata in A Major", "", false},
		{"title and composer on one line", page("Nocturne Op. 9 No. 2    Frédéric Chopin"), "Nocturne Op. 9 No. 2", "", false},
		{"layout columns", "          Rêverie\nAndante  ♩ = 72                              Claude Debussy\n", "Rêverie", "", false},
		{"score type first", page("Partitur", "Sinfonie Nr. 1", "Johannes Brahms"), "Sinfonie Nr. 1", "", false},
		{"full score", page("Full Score", "Serenade for Strings"), "Serenade for Strings", "", false},
		{"vocal score", page("Klavierauszug", "Die Zauberflöte"), "Die Zauberflöte", "", false},
		{"directions are no title", page("\x03 4 4", "cresc.", "rit.", "Ped.", "D.C. al Fine", "Minuetto"), "Minuetto", "", false},
		{"a brook is no composer", page("Der Bach", "Franz Schubert"), "Der Bach", "", false},
		{"title with a spaced dash", page("Cantique de Jean Racine - Op. 11", "Gabriel Fauré"), "Cantique de Jean Racine - Op. 11", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := l.Extract(context.Background(), metadata.Input{Filename: "scan 00.pdf", FirstPageText: c.text})
			require.NoError(t, err)
			require.Equal(t, c.title, r["title"].Value)
			if c.subtitle != "" {
				require.Equal(t, c.subtitle, r["subtitle"].Value)
			}
			if c.noSubtitle {
				require.NotContains(t, r, "subtitle")
			}
		})
	}
	t.Run("NoTitleFromGlyphsOnly", func(t *testing.T) {
		for _, text := range []string{
			page("\x03\x03 12 \x05\x01", "p f", "mf", "3 3", "\ue050\ue062\ue083"),
			page("& b b 43 œ œ œ Œ", "? b b œ ‰ j œ", "w w", "˙ ˙"),
			page("— 2 —", "Music engraving by LilyPond 2.24.1—www.lilypond.org"),
			page("\x03 3 4", "cresc.", "poco rit.", "a tempo", "Ped. *", "dim. e rall.", "Fine"),
			page("Contents", "Preface"),
			page("\x03\x03 12 \x05\x01", "p f", "mf", "\ue050\ue062", "Ihr Kinderlein kommet"),
			page("\x04", "\x05", "Sal -", "Re - gí -", "ve,", "\x04", "er go,", "Ad vo - cá - ta no stra,"),
			page("G", "\x01", "\x02 44", "21", "Am", "C", "OOO", "X", "3", "My eyes are dim, I", "O", "can not see, I"),
			page("Exercise 3: Write 8th notes against the given bass line.", "\x03 44 \x02", "\x04 4"),
		} {
			r, err := l.Extract(context.Background(), metadata.Input{Filename: "scan 00.pdf", FirstPageText: text})
			require.NoError(t, err)
			require.NotContains(t, r, "title", "%q", text)
		}
	})
}

func TestLocalComposerOnPage(t *testing.T) {
	runField(t, "composer", []fieldCase{
		{"last first", page("Nocturne", "Chopin, Frédéric"), "Frédéric Chopin"},
		{"initial", page("Nocturne", "F. Chopin"), "Frédéric Chopin"},
		{"abbreviated given name", page("Nocturne", "Fr. Chopin"), "Frédéric Chopin"},
		{"no accents", page("Nocturne", "Frederic Chopin"), "Frédéric Chopin"},
		{"capitals", page("Nocturne", "FRÉDÉRIC CHOPIN"), "Frédéric Chopin"},
		{"polish", page("Nokturn", "Fryderyk Chopin"), "Frédéric Chopin"},
		{"dates", page("Nocturne", "Frédéric Chopin (1810–1849)"), "Frédéric Chopin"},
		{"musik von", page("Lied", "Musik von Franz Schubert"), "Franz Schubert"},
		{"music by", page("Rag", "Music by Scott Joplin"), "Scott Joplin"},
		{"par", page("Valse", "par Erik Satie"), "Erik Satie"},
		{"comp.", page("Dance", "comp. Béla Bartók"), "Béla Bartók"},
		{"C. P. E. Bach is not J. S.", page("Solfeggietto", "C. P. E. Bach"), "Carl Philipp Emanuel Bach"},
		{"Leopold Mozart is not W. A.", page("Notenbuch", "Leopold Mozart"), "Leopold Mozart"},
		{"Clara Schumann", page("Romanze", "Clara Schumann"), "Clara Schumann"},
		{"C. Schumann", page("Romanze", "C. Schumann"), "Clara Schumann"},
		{"R. Schumann", page("Romanze", "R. Schumann"), "Robert Schumann"},
		{"Tschaikowsky", page("Album für die Jugend", "P. Tschaikowsky"), "Pyotr Ilyich Tchaikovsky"},
		{"Cyrillic", page("Времена года", "П. И. Чайковский"), "Pyotr Ilyich Tchaikovsky"},
		{"Rachmaninow", page("Prélude", "S. Rachmaninow"), "Sergei Rachmaninoff"},
		{"Skrjabin", page("Etüde", "A. Skrjabin"), "Alexander Scriabin"},
		{"Dvorak without accents", page("Humoreske", "A. Dvorak"), "Antonín Dvořák"},
		{"Händel", page("Sarabande", "G. F. Händel"), "George Frideric Handel"},
		{"Beethoven with particle", page("Sonate", "L. v. Beethoven"), "Ludwig van Beethoven"},
		{"de Falla", page("Danza", "Manuel de Falla"), "Manuel de Falla"},
		{"composer on the title line", page("Nocturne Op. 9 No. 2    Frédéric Chopin"), "Frédéric Chopin"},
		{"unknown with dates", page("Sonatine", "Hans Müller (1900–1980)"), "Hans Müller"},
		{"unknown musik von", page("Walzer", "Musik von Karl Huber"), "Karl Huber"},
		{"unknown capitals", page("Walzer", "Musik von KARL HUBER"), "Karl Huber"},
		{"unknown name line", page("Etude", "Johann Unbekannt"), "Johann Unbekannt"},
		{"dedicatee is not the composer", page("à Madame Camille Pleyel", "Nocturnes", "Op. 9"), ""},
		{"dedicatee gewidmet", page("Herrn Johannes Brahms gewidmet", "Sinfonie"), ""},
		{"poet is not the composer", page("Text von Heinrich Heine", "Lied"), ""},
		{"poet's and composer's names on one line", page("Lied", "Text von Eduard Mörike Hugo Wolf"), "Hugo Wolf"},
		{"composer who wrote the words", page("Lied", "Worte von Peter Cornelius"), ""},
		{"theme by is not the composer", page("Variations on a Theme by Haydn"), ""},
		{"hommage is not the composer", page("Hommage à Rameau"), ""},
		{"arranger is not the composer", page("Ave Maria", "arr. Franz Liszt"), ""},
		{"title looks like a name but is the title", page("Maria Stuart"), ""},
		{"Strauss alone is nobody in particular", page("Walzer", "Strauss"), ""},
		{"editor is not the composer", page("Sonaten", "herausgegeben von Hans von Bülow"), ""},
		{"traditional", page("Greensleeves", "Traditional"), "Traditional"},
		{"de Volksweise", page("Der Mond ist aufgegangen", "Volksweise"), "Traditional"},
		{"fr chanson populaire", page("Au clair de la lune", "Chanson populaire"), "Traditional"},
		{"anonymous", page("Lute Piece", "Anon."), "Anonymous"},
		{"traditional with its arranger", page("Scarborough Fair", "Trad., arr. J. Doe"), "Traditional"},
		{"composer with the arranger", page("Chaconne", "J. S. Bach – arr. F. Busoni"), "Johann Sebastian Bach"},
		{"it anonimo", page("Canzona", "Anonimo (sec. XVI)"), "Anonymous"},
	})
}

func TestLocalArranger(t *testing.T) {
	runField(t, "arranger", []fieldCase{
		{"arr.", page("Greensleeves", "arr. J. Doe"), "J. Doe"},
		{"arranged by", page("Air", "J. S. Bach", "arranged by August Wilhelmj"), "August Wilhelmj"},
		{"bearbeitet von", page("Choral", "bearbeitet von Ferruccio Busoni"), "Ferruccio Busoni"},
		{"transcription", page("Erlkönig", "Transcription: F. Liszt"), "Franz Liszt"},
		{"no name", page("Chorale", "arr. for piano"), ""},
		{"after the composer", page("Chaconne", "J. S. Bach – arr. F. Busoni"), "Ferruccio Busoni"},
		{"after traditional", page("Scarborough Fair", "Trad., arr. J. Doe"), "J. Doe"},
	})
}

func TestLocalOCR(t *testing.T) {
	l := metadata.NewLocal()
	in := metadata.Input{Filename: "scan 00.pdf", FirstPageSource: metadata.SourceOCR, FirstPageConfidence: 0.8,
		FirstPageText: page("a Madame Camille Pleyel", "Trois Nocturnes", "Nocturne", "Op. 9, N.°2",
			"Text von Heinrich Heine Frédéric Chopin (1810-1849)", "arr. J. Doe", "Andante Op. 9 Ne 2", ", Andante (d = 60)",
			"4 3) cs", "eS", "pf", "Sb", "bi LS", "LEE ; | Ty", "Music engraving by LilyPond 2.24.1—www.lilypond.org")}
	r, err := l.Extract(context.Background(), in)
	require.NoError(t, err)
	require.Equal(t, "Trois Nocturnes", r["title"].Value)
	require.Equal(t, metadata.SourceOCR, r["title"].Source)
	require.InDelta(t, 0.6*0.8, r["title"].Confidence, 1e-9, "OCR scales the confidence")
	require.Equal(t, "Nocturne", r["subtitle"].Value)
	require.Equal(t, "Op. 9 No. 2", r["opus"].Value)
	require.NotContains(t, r, "instrumentation", "OCR noise is no instrument")

	t.Run("MisreadSurname", func(t *testing.T) {
		for text, want := range map[string]string{
			page("Sonate", "Franz Schuberf"):   "Franz Schubert",
			page("Sonate", "L. van Beethoveu"): "Ludwig van Beethoven",
			page("Etude", "Rachmaninofl"):      "Sergei Rachmaninoff",
			page("Mazurka", "Fr. Chopim"):      "Frédéric Chopin",
		} {
			r, err := l.Extract(context.Background(), metadata.Input{Filename: "scan.pdf", FirstPageText: text,
				FirstPageSource: metadata.SourceOCR, FirstPageConfidence: 0.9})
			require.NoError(t, err)
			require.Equal(t, want, r["composer"].Value, text)
			require.Equal(t, metadata.SourceOCR, r["composer"].Source)
		}
	})
	t.Run("CyrillicLookalikes", func(t *testing.T) {
		// Tesseract with Russian among its languages reads Latin letters as their Cyrillic
		// twins: "Ор. 9" (Cyrillic О, р), "М. 2".
		r, err := l.Extract(context.Background(), metadata.Input{Filename: "scan.pdf", FirstPageSource: metadata.SourceOCR,
			FirstPageConfidence: 0.9, FirstPageText: page("Valse", "Ор. 64 М. 2", "Frédéric Chopin")})
		require.NoError(t, err)
		require.Equal(t, "Op. 64 No. 2", r["opus"].Value)
		r, err = l.Extract(context.Background(), metadata.Input{Filename: "scan.pdf", FirstPageSource: metadata.SourceOCR,
			FirstPageConfidence: 0.9, FirstPageText: page("Времена года", "П. И. Чайковский")})
		require.NoError(t, err)
		require.Equal(t, "Времена года", r["title"].Value, "Russian stays Russian")
	})
	t.Run("MisreadHacek", func(t *testing.T) {
		for _, text := range []string{page("Tanec", "Op. 72, ë. 2"), page("Tanec", "Op. 72, è. 2")} {
			r, err := l.Extract(context.Background(), metadata.Input{Filename: "scan.pdf", FirstPageSource: metadata.SourceOCR,
				FirstPageConfidence: 0.9, FirstPageText: text})
			require.NoError(t, err)
			require.Equal(t, "Op. 72 No. 2", r["opus"].Value, text)
		}
	})
	t.Run("MisreadCollective", func(t *testing.T) {
		r, err := l.Extract(context.Background(), metadata.Input{Filename: "scan.pdf", FirstPageSource: metadata.SourceOCR,
			FirstPageConfidence: 0.9, FirstPageText: page("Greensleeves", "Traditiona1")})
		require.NoError(t, err)
		require.Equal(t, "Traditional", r["composer"].Value)
	})
	t.Run("ShortTitle", func(t *testing.T) {
		r, err := l.Extract(context.Background(), metadata.Input{Filename: "scan 00.pdf", FirstPageSource: metadata.SourceOCR,
			FirstPageConfidence: 0.9, FirstPageText: page("Ave", "Anton Bruckner", "LEE ; | Ty")})
		require.NoError(t, err)
		require.Equal(t, "Ave", r["title"].Value)
	})
	t.Run("NoMisreadOnTheTextLayer", func(t *testing.T) {
		r, err := l.Extract(context.Background(), metadata.Input{Filename: "x.pdf", FirstPageText: page("Sonate", "Franz Schuberf")})
		require.NoError(t, err)
		require.NotEqual(t, "Franz Schubert", r["composer"].Value, "edit distance only for OCR text")
	})
	t.Run("ShortOrCommonWordsAreNotMisreadNames", func(t *testing.T) {
		for _, text := range []string{page("Souvenir", "Paris, France"), page("Souvenir", "Brahma")} {
			r, err := l.Extract(context.Background(), metadata.Input{Filename: "scan.pdf", FirstPageText: text,
				FirstPageSource: metadata.SourceOCR, FirstPageConfidence: 0.9})
			require.NoError(t, err)
			require.NotContains(t, r, "composer", text)
		}
	})
	t.Run("LowConfidenceOCR", func(t *testing.T) {
		r, err := l.Extract(context.Background(), metadata.Input{Filename: "scan 00.pdf", FirstPageText: page("Humoreske", "Antonín Dvořák"),
			FirstPageSource: metadata.SourceOCR, FirstPageConfidence: 0.35})
		require.NoError(t, err)
		require.Equal(t, "Humoreske", r["title"].Value)
		require.Less(t, r["title"].Confidence, 0.25)
	})
}

func TestLocalMusic(t *testing.T) {
	l := metadata.NewLocal()
	piano := &metadata.Music{Staves: 2, Braced: 2, Clefs: []string{"treble", "bass"}, Instrumentation: "piano",
		InstrumentationConfidence: 0.8, Fifths: -3, KeySignatureRead: true}
	t.Run("SilentText", func(t *testing.T) {
		r, err := l.Extract(context.Background(), metadata.Input{Filename: "x.pdf", FirstPageText: page("Nocturne"), Music: piano})
		require.NoError(t, err)
		require.Equal(t, "piano", r["instrumentation"].Value)
		require.Equal(t, metadata.SourceMusic, r["instrumentation"].Source)
		require.Equal(t, 0.8, r["instrumentation"].Confidence)
		require.Equal(t, "3 flats", r["key_signature"].Value)
		require.Equal(t, metadata.SourceMusic, r["key_signature"].Source)
		require.NotContains(t, r, "key", "a signature alone is no key")
	})
	t.Run("MusicKey", func(t *testing.T) {
		m := *piano
		m.Key, m.KeyConfidence = "E-flat major", 0.6
		r, err := l.Extract(context.Background(), metadata.Input{Filename: "x.pdf", FirstPageText: page("Nocturne"), Music: &m})
		require.NoError(t, err)
		require.Equal(t, "E-flat major", r["key"].Value)
		require.Equal(t, metadata.SourceMusic, r["key"].Source)
	})
	t.Run("TextAndMusicAgree", func(t *testing.T) {
		r, err := l.Extract(context.Background(), metadata.Input{Filename: "x.pdf", FirstPageText: page("Nocturne", "Es-Dur", "für Klavier"), Music: piano})
		require.NoError(t, err)
		require.Equal(t, "E-flat major", r["key"].Value)
		require.Equal(t, metadata.SourcePageText, r["key"].Source)
		require.Greater(t, r["key"].Confidence, 0.75)
		require.Greater(t, r["instrumentation"].Confidence, 0.75)
	})
	t.Run("TextAndMusicDisagree", func(t *testing.T) {
		r, err := l.Extract(context.Background(), metadata.Input{Filename: "x.pdf", FirstPageText: page("Sonate", "D-Dur", "für Violine und Klavier"), Music: piano})
		require.NoError(t, err)
		require.Equal(t, "D major", r["key"].Value, "the printed text wins")
		require.InDelta(t, 0.75*0.7, r["key"].Confidence, 1e-9)
		require.Equal(t, "violin and piano", r["instrumentation"].Value)
		require.InDelta(t, 0.75*0.7, r["instrumentation"].Confidence, 1e-9)
	})
	t.Run("RelativeMinorAgrees", func(t *testing.T) {
		r, err := l.Extract(context.Background(), metadata.Input{Filename: "x.pdf", FirstPageText: page("Prelude", "c-Moll"), Music: piano})
		require.NoError(t, err)
		require.Equal(t, "C minor", r["key"].Value)
		require.Greater(t, r["key"].Confidence, 0.75)
	})
	t.Run("InstrumentNames", func(t *testing.T) {
		m := &metadata.Music{Staves: 4, Bracketed: 4, Names: []string{"Violino I", "Violino II", "Viola", "Violoncello"}}
		r, err := l.Extract(context.Background(), metadata.Input{Filename: "x.pdf", FirstPageText: page("Quartett"), Music: m})
		require.NoError(t, err)
		require.Equal(t, "string quartet", r["instrumentation"].Value)
		require.Equal(t, metadata.SourceMusic, r["instrumentation"].Source)
	})
}

func TestComposerNamesCanonical(t *testing.T) {
	n := metadata.NewComposerNames()
	for in, want := range map[string]string{
		"Chopin, Frédéric":            "Frédéric Chopin",
		"F. Chopin":                   "Frédéric Chopin",
		"Fr. Chopin":                  "Frédéric Chopin",
		"Frederic Chopin":             "Frédéric Chopin",
		"FRÉDÉRIC CHOPIN":             "Frédéric Chopin",
		"Chopin":                      "Frédéric Chopin",
		"Frédéric Chopin (1810–1849)": "Frédéric Chopin",
		"Bach, Johann Sebastian":      "Johann Sebastian Bach",
		"J.S. Bach":                   "Johann Sebastian Bach",
		"Bach, Carl Philipp Emanuel":  "Carl Philipp Emanuel Bach",
		"Mozart, Wolfgang Amadeus":    "Wolfgang Amadeus Mozart",
		"Mozart, Leopold":             "Leopold Mozart",
		"Dvořák, Antonín":             "Antonín Dvořák",
		"Tchaikovsky, Pyotr":          "Pyotr Ilyich Tchaikovsky",
		"Rimski-Korsakow":             "Nikolai Rimsky-Korsakov",
		"Schönberg, Arnold":           "Arnold Schoenberg",
		"MÜLLER, Hans":                "Hans Müller",
		"Hans Müller (1900-1980)":     "Hans Müller",
		"JANE ROE":                    "Jane Roe",
		"de la Guerre, Élisabeth":     "Élisabeth Jacquet de La Guerre",
		"van der Berg, Jan":           "Jan van der Berg",
		"Strauss":                     "Strauss",
		"Strauss, Richard":            "Richard Strauss",
		"Strauss, Johann":             "Johann Strauss II",
		"Jane Roe":                    "Jane Roe",
	} {
		require.Equal(t, want, n.Canonical(in), in)
	}
}

// TestLocalRealPages reads pages as pdftotext and tesseract printed them for LilyPond scores
// (control characters and stray digits from the music font, tagline, text in layout order).
func TestLocalRealPages(t *testing.T) {
	l := metadata.NewLocal()
	cases := []struct {
		name string
		in   metadata.Input
		want map[string]string
	}{
		{"pdftotext collection with dedication, poet, arranger", metadata.Input{Filename: "a.pdf",
			FirstPageText: "\u00e0 Madame Camille Pleyel\n\nTrois Nocturnes\nNocturne\nOp. 9, N.\u00ba 2\n\nText von Heinrich Heine\n\nFr\u00e9d\u00e9ric Chopin (1810\u20131849)\narr. J. Doe\nOp. 9 \u2116 2\n\nAndante\nAndante ( = 60)\n\u0003\u0003 12\n\u0005\u0001\n\u0006 \u0003 8 \u0005 \u0002\np f\n\u0004 \u0003\u0003 12 \u0005 \u0005 \u0001\n\u0003 8\n\u0002\n\nMusic engraving by LilyPond 2.24.1\u2014www.lilypond.org\n\n\f"},
			map[string]string{"title": "Trois Nocturnes", "subtitle": "Nocturne", "composer": "Frédéric Chopin", "opus": "Op. 9 No. 2",
				"arranger": "J. Doe", "key": "", "instrumentation": ""}},
		{"pdftotext quartet, composer after the tagline", metadata.Input{Filename: "c.pdf",
			FirstPageText: "Quatuor \u00e0 cordes\nen sol mineur\n\nViolon I\n\nViolon II\n\nVioloncelle\n\nVl. I\n\nVl. II\n\nA.\n\nVc.\n\n\u0001\u0004\n\u0001\u0004\n\n\u0001\n\u0001\n\net tr\u00e8s d\u00e9cid\u00e9\n\u0004\u0004 Anim\u00e9\n\u0005\n\n\u0004\u0004 \u0005\n\nf\n\n\u0006 \u0004\u0004 \u0005\n\nAlto\n\n\u00023\n\n\u0002\n\n\u0007 \u0004\u0005\n\u0003 \u0004\n\n\u0004\n\u0004\n\n\u0006 \u0004\u0004\n\n\u0007 \u0004\n\u0003 \u0004\n\nMusic engraving by LilyPond 2.24.1\u2014www.lilypond.org\n\nClaude Debussy\nOp. 10\n\n\f"},
			map[string]string{"title": "Quatuor à cordes", "composer": "Claude Debussy", "opus": "Op. 10", "key": "G minor",
				"instrumentation": "string quartet"}},
		{"tesseract song, poet and composer on one line", metadata.Input{Filename: "scan 00.pdf", FirstPageSource: metadata.SourceOCR,
			FirstPageConfidence: 0.85,
			FirstPageText:       "Ich grolle nicht\n\naus Dichterliebe\n\nHeinrich Heine Robert Schumann\n\nOp. 48 Ne 7\n\nSingstimme\n\nIch grolle\n\nKlavier\n\nMusic engraving by LilyPond 2.24.1\u2014www.lilypond.org\n"},
			map[string]string{"title": "Ich grolle nicht", "subtitle": "aus Dichterliebe", "composer": "Robert Schumann",
				"opus": "Op. 48 No. 7", "instrumentation": "voice and piano"}},
		{"tesseract tempo read before the title", metadata.Input{Filename: "scan 01.pdf", FirstPageSource: metadata.SourceOCR,
			FirstPageConfidence: 0.85,
			FirstPageText:       "Allegro\nSu x\nF\nx +\n\nSonata\nin Mi minore\n\nEdizione libera\n\nDomenico Scarlatti\nK. 402 (L. 427)\n"},
			map[string]string{"title": "Sonata", "composer": "Domenico Scarlatti", "opus": "K. 402", "key": "E minor"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := l.Extract(context.Background(), c.in)
			require.NoError(t, err)
			for field, want := range c.want {
				if want == "" {
					require.NotContains(t, r, field)
					continue
				}
				require.Equal(t, want, r[field].Value, field)
			}
		})
	}
}
