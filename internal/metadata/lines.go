package metadata

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// textLine is one line (or, in text laid out in columns, one cell) of a page's text.
type textLine struct {
	text  string // control, private-use and music-font characters taken out, spaces collapsed
	fold  string // text folded (lower case, no diacritics)
	ws    []word
	row   int  // the printed line it came from: the cells of one line share it
	noisy bool // it held control, private-use or music-symbol characters
	kind  lineKind
	hit   *composerHit // the known composer the line names, if any
	name  string       // the other composer a kindName line names
}

// lineKind is what a line of a title page is.
type lineKind int

const (
	kindNoise       lineKind = iota // not words: music-font glyphs, dynamics, stray digits
	kindTagline                     // engraver, copyright, licence, publisher, web address
	kindHeader                      // page number, running header
	kindDedication                  // "à Madame …", "Herrn … gewidmet", "To my friend …"
	kindPoet                        // "Text von …", "Words by …", "Paroles de …"
	kindArranger                    // "arr. …", "Bearbeitung …", "transcribed by …"
	kindEditor                      // "Edited by …", "herausgegeben von …", "Fingersatz …"
	kindComposer                    // a known composer's name (with cue words or dates)
	kindName                        // another person's name, announced ("Musik von …") or dated ("(1810–1849)")
	kindNumber                      // "No. 3", "Nr. 5", "II."
	kindDates                       // "(1833–1897)"
	kindCatalogue                   // only a catalogue number: "Op. 25, N.º 3", "BWV 846"
	kindKey                         // only a key: "fis-Moll", "en ré mineur"
	kindInstruments                 // only instruments: "für Klavier", "Chant et Piano", "Violino I"
	kindTempo                       // "Allegro moderato", "Langsam", "Modéré ♩ = 60"
	kindDirection                   // a direction in the music: "cresc.", "rit.", "Ped.", "D.C. al Fine"
	kindPersonLike                  // looks like a person's name ("Christian Petzold"), nothing announces it
	kindLyrics                      // sung words split into syllables ("Ca - ro mi - o ben")
	kindText                        // words: a title candidate
)

// maxLines bounds the lines of a first page that are looked at.
const maxLines = 80

// splitLines splits a page's text into lines, and lines laid out in columns (pdftotext
// -layout) into cells at runs of three spaces or more.
func splitLines(text string) []textLine {
	var out []textLine
	rows := strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\f' || r == '\r' })
	for row, raw := range rows {
		for _, cell := range cellSplit.Split(raw, -1) {
			clean, noisy := stripGlyphs(cell)
			clean = strings.Join(strings.Fields(clean), " ")
			if clean == "" && !noisy {
				continue
			}
			out = append(out, textLine{text: clean, fold: fold(clean), ws: words(clean), row: row, noisy: noisy})
			if len(out) == maxLines {
				return out
			}
		}
	}
	return out
}

var cellSplit = regexp.MustCompile(`\s{3,}|\t`)

// stripGlyphs takes out the characters that text extraction of engraved music yields
// (control characters, private-use code points of music fonts such as SMuFL's, the
// Musical Symbols block, the replacement character) and tells whether there were any.
func stripGlyphs(s string) (string, bool) {
	noisy := false
	out := strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case r < 0x20, r >= 0x7f && r < 0xa0, r >= 0xe000 && r <= 0xf8ff, r >= 0xf0000, r == utf8.RuneError,
			r >= 0x1d100 && r <= 0x1d1ff:
			noisy = true
			return -1
		}
		return r
	}, s)
	return out, noisy
}

// dynamics are the markings that music fonts' letters spell ("p", "mf", "sfz") and that a
// line of glyphs may consist of.
var dynamics = wordSet(`p pp ppp pppp f ff fff ffff mp mf fp sf sfz sffz sfp fz rf rfz z s m r n cresc dim decresc`)

// isWords tells whether a line is words a person wrote rather than what text extraction
// makes of music-font glyphs or what OCR makes of staves: no control or private-use
// characters, mostly letters, at least one real word (two letters or more, a vowel, two
// different letters, a plausible case) of three letters or more (four for OCR, which reads
// stems and beams as short words), not only dynamics, and, in OCR text, few stray symbols.
func isWords(l textLine, ocr bool) bool {
	if l.noisy || l.text == "" {
		return false
	}
	letters, nonSpace, junk, real, long := 0, 0, 0, 0, 0
	allDynamics := true
	toks := strings.Fields(l.text)
	for _, t := range toks {
		hasAlnum := false
		for _, r := range t {
			nonSpace++
			if unicode.IsLetter(r) {
				letters++
				hasAlnum = true
			} else if unicode.IsDigit(r) {
				hasAlnum = true
			}
		}
		if !hasAlnum && !strings.ContainsAny(t, "&+") {
			junk++
		}
		if !dynamics[strings.Trim(fold(t), ".,;:!()")] {
			allDynamics = false
		}
		for _, w := range words(t) {
			if realWord(w.s) {
				real++
				if n := utf8.RuneCountInString(w.s); n >= 4 || n == 3 && !ocr {
					long++
				}
			}
		}
	}
	switch {
	case letters*10 < nonSpace*6, allDynamics:
		return false
	case long == 0 && ocr && len(toks) == 1 && shortTitle(toks[0]):
		// "Air", "Ave": a capitalised word of three letters alone on its line.
	case long == 0 && (ocr || real < 2):
		return false
	case ocr && junk*5 > len(toks):
		return false
	}
	return true
}

func shortTitle(t string) bool {
	rs := []rune(t)
	if len(rs) != 3 || !realWord(t) || !unicode.IsUpper(rs[0]) {
		return false
	}
	return unicode.IsLower(rs[1]) && unicode.IsLower(rs[2])
}

// realWord: two letters or more, not all one letter, with a vowel (in Latin script), in
// lower case, capitalised or in capitals.
func realWord(s string) bool {
	rs := []rune(s)
	if len(rs) < 2 {
		return false
	}
	distinct := map[rune]bool{}
	latin, vowel := false, false
	for _, r := range rs {
		distinct[unicode.ToLower(r)] = true
		if r < 0x250 {
			latin = true
		}
	}
	if len(distinct) < 2 && len(rs) > 1 {
		return false
	}
	if latin {
		for _, r := range fold(s) {
			if strings.ContainsRune("aeiouy", r) {
				vowel = true
				break
			}
		}
		if !vowel {
			return false
		}
	}
	lower := strings.ToLower(s)
	upper := strings.ToUpper(s)
	capitalised := string(unicode.ToUpper(rs[0]))+strings.ToLower(string(rs[1:])) == s
	return s == lower || s == upper || capitalised
}

var (
	taglineRe = regexp.MustCompile(`lilypond|mutopia|musescore|noteflight|dorico|imslp|cpdl|copyright|©|\(c\)|public domain|` +
		`creative ?commons|licen[cs]|attribution|share ?alike|all rights|alle rechte|tous droits|derechos reservados|` +
		`diritti riservati|printed in|gedruckt|engrav|typeset|www\.|https?:|\.(org|com|net|de|fr|it)\b|made with|` +
		`created with|generated by|sibelius\.com|finale 20|\bverlag\b|breitkopf|\bschott\b|henle|edition peters|` +
		`\bdurand\b|ricordi|simrock|schirmer|universal edition|boosey|hofmeister|augener|litolff|jurgenson|belaieff|` +
		`hamelle|heugel|eulenburg|barenreiter|editio musica|supraphon|\bplate\b|stich und druck`)
	// scoreTypeRe: what kind of score or page this is, not what piece.
	scoreTypeRe = regexp.MustCompile(`^(?:full |study |pocket |vocal |piano |choral |orchestral |conductor'?s? )?(?:score|partitur|` +
		`partition|partitura|spartito|klavierauszug|studienpartitur|taschenpartitur|dirigierpartitur|piano reduction|reduction|` +
		`parts?|stimmen|contents|inhalt|inhaltsverzeichnis|index|indice|preface|vorwort|prefazione|prefacio|sommaire|` +
		`table des matieres|obsah|spis tresci|titelblatt|title page)[.:]?$`)
	headerRe     = regexp.MustCompile(`^(?:(?:page|seite|pag|pagina|p|str|strana|sida|side)\.?\s*\d+(?:\s*(?:of|von|/|de|di|z)\s*\d+)?|[-–—\s]*\d+[-–—\s]*)$`)
	dedicationRe = regexp.MustCompile(`\b(?:gewidmet|zugeeignet|dedie|dediee|dedies|dedicated|dedicace|dedicato|dedicata|dedicado|dedicada|` +
		`venovano|venovana|venovany|dedykowane|opgedragen|tilegnet|tillagnad|tilegnad|in memoriam|memoire de|memory of|` +
		`zum andenken|zur erinnerung|memoria di|memoria de)\b`)
	dedicationStartRe = regexp.MustCompile(`^(?:a|al|alla|au|aux|to|an|dem|der|den|fur|para|pour|per)\s+(?:madame|mme|mademoiselle|mlle|` +
		`monsieur|mons|mr|mrs|miss|ms|herrn|herr|frau|fraulein|frl|signora|signorina|signor|sig|sra|senora|senorita|senor|` +
		`sr|dona|don|pan|pani|panu|pani|slecna|professor|prof|dr|doctor|docteur|dottore|maestro|sir|lady|lord|count|comte|` +
		`comtesse|graf|grafin|furst|furstin|prince|princesse|princess|principessa|baron|baronne|baronin|son|sa|ses|mon|ma|` +
		`mes|my|his|her|mio|mia|mi|mein|meinem|meiner|meine|seinem|seiner|ihrem|ihrer|unserem|notre|nostro|nuestro|` +
		`friend|ami|amie|amico|amica|amigo|amiga|freund|freundin|dear|cher|chere|caro|cara|querido|querida|lieben|liebe|` +
		`lieber|verehrten|hochverehrten|the memory)\b`)
	poetRe = regexp.MustCompile(`\b(?:text|texte|textes|words|lyrics|lyric|poem|poetry|poesie|poeme|gedicht|gedichte|dichtung|worte|` +
		`paroles|parole|versi|testo|letra|texto|slova|tekst|libretto)\s*(?:von|by|de|di|du|des|d|od|af|av|van|:|\()|` +
		`^(?:text|texte|words|lyrics|paroles|testo|letra|texto|poet|poem|gedicht|slova|tekst)\b\s*[:.]|` +
		`^(?:nach|after|d'apres|d apres|secondo|segun|podle)\s|nach einem gedicht|after a poem|(?:^|\s)d'apres\s`)
	arrangerRe = regexp.MustCompile(`\b(?:arr|arrang\w*|bearb|bearbeitet|bearbeitung|transcr|transcribed|transcription|transkription|` +
		`trascr|trascrizione|trascritto|arreglo|arreglado|arreglada|upravil|uprava|orchestrated|orchestriert|instrumentiert|` +
		`instrumentation by|set by|harmonized by|harmonisiert)\b`)
	// editorRe: "ed." only with its full stop (Italian "ed" is "and": "Orfeo ed Euridice").
	editorRe = regexp.MustCompile(`\b(?:edited|editor|edition|editions|edizione|edicion|ausgabe|herausgegeben|hrsg|herausgeber|` +
		`revidiert|revised|revision|revu|revue|riveduta|revisione|revisada|redakce|redigiert|fingering|fingered|fingersatz|` +
		`doigte|doigtes|diteggiatura|digitacion|bezeichnet|urtext|critical|kritische|krit|collected works|samtliche werke|` +
		`gesamtausgabe)\b|(?:^|\s)ed\.\s`)
	numberLineRe = regexp.MustCompile(`^(?:(?:no|nos|nr|nro|n|num|numero|nummer|number|c|№)\s*[.º°]*\s*\d{1,3}[a-z]?|[ivxlc]+|\d{1,3})\s*[.)]?$`)
	// lyricsRe: sung words split into syllables ("Ad vo - cá - ta", "Sal -").
	lyricsRe = regexp.MustCompile(`\pL\s+[-–]{1,2}\s+\pL.*\pL\s+[-–]{1,2}\s+\pL|__|(?:^|\s)\pL{1,4}\s+[-–]{1,2}$|` +
		`(?:^|\s)\pL{1,3}\s+[-–]{1,2}\s+\pL{1,3}(?:[\s,.;!?]|$)`)
)

// tempoHeads start or carry a tempo marking; tempoWords may complete one. Folded.
var (
	tempoHeads = wordSet(`grave largo larghetto lento adagio adagietto andante andantino moderato allegretto allegro vivace
vivacissimo presto prestissimo maestoso sostenuto animato agitato tranquillo lentamente mosso comodo langsam langsamer
lebhaft massig maessig massiger bewegt ruhig schnell schneller rasch frisch gehend getragen zart innig kraftig feierlich
munter heiter gemachlich breit moderement modere lent lentement vif vite anime doucement calme gai rapide slowly
moderately fast quickly lively brightly gently slow moderate steady tempo lentissimo rubato`)
	tempoWords = wordSet(`ma non troppo con brio assai molto poco piu meno quasi sempre di del della primo giusto espressivo
grazioso scherzando energico risoluto spiritoso marcato leggiero leggero vivo mesto appassionato semplice tenuto e ed il
la un una alla marcia moto fuoco anima sentimento dolce dolcissimo sotto voce mezza cantando cantabile lusingando
affettuoso amoroso religioso pomposo brillante giocoso capriccioso teneramente mit ohne und nicht zu etwas sehr ziemlich
im zeitmass ausdruck empfindung bewegung innigkeit feuer leidenschaft gemessen bisschen schwungvoll tres assez peu en de
du mouvement expression douloureux doux douce lenteur gravite grace sentiment calme leger souple rythme mesure tendre
expressif retenu decide decidee marque avec sans et with and not too very rather in strict time feeling quite somewhat mm ca circa minuetto
menuetto valse walzer ballo tempo`)
)

// isTempo: every word is a tempo word and one leads a marking, or the line starts with one
// and mostly consists of them ("Tempo di Minuetto"); metronome marks are not words.
func isTempo(l textLine) bool {
	if len(l.ws) == 0 {
		return false
	}
	in, head := 0, false
	for _, w := range l.ws {
		if tempoHeads[w.f] {
			head = true
			in++
		} else if tempoWords[w.f] || dynamics[w.f] {
			in++
		}
	}
	if !head {
		// "Très lent" is "lent" read before; "et très décidé" continues a marking.
		return in == len(l.ws) && len(l.ws) >= 2 && tempoModifier(l.ws)
	}
	return in == len(l.ws) || tempoHeads[l.ws[0].f] && len(l.ws) >= 2 && in*10 >= len(l.ws)*6
}

func tempoModifier(ws []word) bool {
	for _, w := range ws {
		switch w.f {
		case "tres", "assez", "molto", "poco", "sehr", "etwas", "ziemlich", "piu", "meno", "peu", "very", "rather":
			return true
		}
	}
	return false
}

// directions are the words of directions printed in the music ("cresc.", "poco rit.",
// "Ped.", "D.C. al Fine", "pizz."): once they appear, the title is behind.
var directions = wordSet(`cresc crescendo decresc decrescendo dim dimin diminuendo rit ritard ritardando riten ritenuto rall
rallentando accel accelerando stringendo string allarg allargando smorz smorzando morendo perdendosi calando ped pedale
fine coda capo segno dc ds al dal attacca segue simile tr loco va vb tutti soli pizz pizzicato arco sord sordino sordini senza
sul ponticello tasto corda corde ten espr espress legato staccato stacc subito sfz rinf rinforzando divisi div unis ossia
lh rh md mg ms sopra sotto tempo`)

// isDirection: every word is a direction's, a tempo's or a dynamic, and one is a
// direction's.
func isDirection(l textLine) bool {
	if len(l.ws) == 0 {
		return false
	}
	dir := false
	for _, w := range l.ws {
		switch {
		case directions[w.f]:
			dir = true
		case tempoWords[w.f], tempoHeads[w.f], dynamics[w.f], utf8.RuneCountInString(w.f) == 1:
		default:
			return false
		}
	}
	return dir
}

// personLike: two to five words that make a person's name: a known given name or an
// initial first, then capitalised words or particles, the last a surname.
func personLike(l textLine) bool {
	toks := strings.Fields(lifeDates.ReplaceAllString(l.text, " "))
	if len(toks) < 2 || len(toks) > 5 || len(l.ws) != len(toksLetters(toks)) {
		return false
	}
	first := l.ws[0]
	if !givenNames[first.f] && (utf8.RuneCountInString(first.f) > 2 || !first.dot) {
		return false
	}
	for i, w := range l.ws {
		r, _ := utf8.DecodeRuneInString(w.s)
		switch {
		case i > 0 && i < len(l.ws)-1 && nameParticles[w.f] && unicode.IsLower(r):
		case unicode.IsUpper(r):
		default:
			return false
		}
	}
	last := l.ws[len(l.ws)-1]
	return utf8.RuneCountInString(last.f) >= 2 && !last.dot
}

func toksLetters(toks []string) []string {
	var out []string
	for _, t := range toks {
		if strings.ContainsFunc(t, unicode.IsLetter) {
			out = append(out, t)
		}
	}
	return out
}

// cueName returns the name a line announces ("Musik von Hans Müller", "Music by …",
// "par …", "comp. …") or dates ("Hans Müller (1900–1980)"), tidied; "" if none.
func cueName(l textLine) string {
	if namePrefix.MatchString(l.text) {
		n := cleanName(l.text)
		if looksLikeName(n) {
			return n
		}
		return ""
	}
	if lifeDates.MatchString(l.text) && strings.ContainsAny(l.text, "0123456789") {
		n := cleanName(l.text)
		if looksLikeName(n) && lifeDates.FindString(l.text) != "" && hasYearSpan(l.text) {
			return n
		}
	}
	return ""
}

// collectiveNames are what title pages print for a tune without a known composer.
var collectiveNames = map[string]string{}

func init() {
	for _, w := range []string{"trad", "traditional", "traditionnel", "traditionell", "tradizionale", "tradicional",
		"tradicni", "volksweise", "volkslied", "volksmelodie", "folk song", "folksong", "folk tune", "folk melody",
		"chanson populaire", "melodie populaire", "air populaire", "canzone popolare", "melodia popolare",
		"cancion popular", "lidova pisen", "lidova", "piesn ludowa", "folkemelodi", "folkvisa"} {
		collectiveNames[w] = "Traditional"
	}
	for _, w := range []string{"anon", "anonymous", "anonym", "anonyme", "anonimo", "anonimus", "anonymus", "autor neznamy",
		"composer unknown", "unknown composer", "unbekannter komponist"} {
		collectiveNames[w] = "Anonymous"
	}
}

var parenthesised = regexp.MustCompile(`\([^)]*\)|\[[^\]]*\]`)

// collectiveName: the line says the tune is traditional or its composer unknown
// ("Trad.", "Volksweise", "Anon. (16th century)"); "" if not. With ocr, a word of six
// letters or more may be a letter off ("Anénimo").
func collectiveName(s string, ocr bool) string {
	f := fold(parenthesised.ReplaceAllString(s, " "))
	f = strings.Join(strings.FieldsFunc(f, func(r rune) bool { return !unicode.IsLetter(r) }), " ")
	if n, ok := collectiveNames[f]; ok || !ocr || utf8.RuneCountInString(f) < 6 || strings.Contains(f, " ") {
		return n
	}
	found := ""
	for w, n := range collectiveNames {
		if !strings.Contains(w, " ") && levenshtein(f, w) <= 1 {
			if found != "" && found != n {
				return ""
			}
			found = n
		}
	}
	return found
}

// latinTwins are the Cyrillic letters that look like Latin ones: Tesseract, reading Russian
// among other languages, prints them for Latin letters ("Ор. 9", "М. 2").
var latinTwins = map[rune]rune{'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P', 'С': 'C',
	'Т': 'T', 'Х': 'X', 'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'і': 'i', 'ј': 'j', 'Ѕ': 'S',
	'ѕ': 's', 'І': 'I', 'Ј': 'J'}

// latinLookalikes writes, in a line with Latin letters (or whose only Cyrillic letters
// look Latin), the words that mix scripts or are only such letters, in Latin letters; a
// Russian line stays as it is.
func latinLookalikes(s string) string {
	hasLatin := strings.ContainsFunc(s, func(r rune) bool { return r < 0x250 && unicode.IsLetter(r) })
	onlyTwins := !strings.ContainsFunc(s, func(r rune) bool {
		_, twin := latinTwins[r]
		return r >= 0x250 && unicode.IsLetter(r) && !twin
	})
	if !hasLatin && !onlyTwins {
		return s
	}
	toks := strings.Fields(s)
	changed := false
	for i, t := range toks {
		latin, twins, other := 0, 0, 0
		for _, r := range t {
			switch _, twin := latinTwins[r]; {
			case twin:
				twins++
			case r < 0x250 && unicode.IsLetter(r):
				latin++
			case unicode.IsLetter(r):
				other++
			}
		}
		if twins == 0 || other > 0 && latin == 0 {
			continue
		}
		toks[i] = strings.Map(func(r rune) rune {
			if l, ok := latinTwins[r]; ok {
				return l
			}
			return r
		}, t)
		changed = true
	}
	if !changed {
		return s
	}
	return strings.Join(toks, " ")
}

var yearSpan = regexp.MustCompile(`1[0-9]{3}\s*[-–—/]\s*(?:1[0-9]{3}|20[0-9]{2})|[*†]\s*1[0-9]{3}|\(\s*1[0-9]{3}\s*\)`)

func hasYearSpan(s string) bool { return yearSpan.MatchString(s) }

// looksLikeName: one to five words, capitalised (or initials, or particles), no digits.
func looksLikeName(s string) bool {
	if s == "" || strings.ContainsAny(s, "0123456789@") {
		return false
	}
	ws := words(s)
	if len(ws) == 0 || len(ws) > 6 {
		return false
	}
	caps := 0
	for _, w := range ws {
		r, _ := utf8.DecodeRuneInString(w.s)
		if unicode.IsUpper(r) {
			caps++
		} else if !nameParticles[w.f] {
			return false
		}
	}
	return caps >= 1 && len(ws) >= 2 || caps == 1 && len(ws) == 1 && utf8.RuneCountInString(ws[0].f) >= 3
}

// titleCase writes a line printed in capitals with small letters ("IMPROMPTU" →
// "Impromptu", "SONATA IN A MAJOR" → "Sonata in A Major"); other lines stay as they are.
func titleCase(s string) string {
	if strings.ContainsFunc(s, unicode.IsLower) || !strings.ContainsFunc(s, unicode.IsUpper) {
		return s
	}
	toks := strings.Fields(s)
	for i, t := range toks {
		bare := strings.Trim(t, ".,;:()[]")
		lb := strings.ToLower(bare)
		switch {
		case catalogueSpellings[lb] != "":
			toks[i] = strings.Replace(t, bare, catalogueSpellings[lb], 1)
		case i > 0 && (romanNumeral.MatchString(bare) && len(bare) <= 4 || utf8.RuneCountInString(bare) == 1):
			// a roman numeral or a note name stays in capitals
		case i > 0 && smallWords[fold(bare)]:
			toks[i] = strings.ToLower(t)
		default:
			toks[i] = capitalizeParts(strings.ToLower(t))
		}
	}
	return strings.Join(toks, " ")
}

var smallWords = wordSet(`a an and the of in for on to de del della di da du des la le les et en el y e ed und fur von zu im am
per pour para con avec mit sur sous`)
