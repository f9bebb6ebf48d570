package metadata

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Instruments are read from the words title pages use in the languages scores are printed
// in and named in one English vocabulary (docs/scores.md lists it).

// Instrument and part names (folded) → the instrument. "alto" and "bass" are decided by
// their company (a viola among strings, a voice among voices).
var instrumentWords = map[string]string{}

// Abbreviations used as staff labels ("Vl. 1", "Vc.", "Pno."): only with their full stop,
// and only on lines of labels.
var instrumentAbbrev = map[string]string{}

// instrumentPhrases are names of more than one word, and ensembles; folded words.
var instrumentPhrases = map[string]string{}

// Marks that are no instrument but change the call.
const (
	markFourHands = "four hands"
	markTwoPianos = "two pianos"
	markSATB      = "satb"
)

func init() {
	add := func(m map[string]string, id, list string) {
		for _, w := range strings.Fields(list) {
			m[strings.ReplaceAll(w, "_", " ")] = id
		}
	}
	w := instrumentWords
	add(w, "piano", `piano pianos pianoforte pianoforti fortepiano klavier klaviere clavier klavir klaviru klaviry klaver fortepian fortepianu fortepianem pianu flygel`)
	add(w, "organ", `organ organs orgel orgue orgues organo organi varhany varhanach varhan organy organow orgao orgelwerk`)
	add(w, "harpsichord", `harpsichord harpsichords cembalo cembali clavecin clavicembalo klavecin cravo`)
	add(w, "guitar", `guitar guitars gitarre gitarren guitare guitares chitarra chitarre guitarra guitarras kytara kytaru kytary gitara gitare gitaar gitar gitarr violao violoes`)
	add(w, "harp", `harp harps harfe harfen harpe harpes arpa arpe harfa harfu`)
	add(w, "lute", `lute lutes laute luth liuto laud`)
	add(w, "mandolin", `mandolin mandoline mandolino mandolina`)
	add(w, "accordion", `accordion akkordeon accordeon fisarmonica acordeon akordeon`)
	add(w, "violin", `violin violins violine violinen geige geigen violon violons violino violini violines housle houslich houslemi skrzypce skrzypiec viool violen fiolin fiol`)
	add(w, "alto", `alto altos alti alt`)
	add(w, "viola", `viola violas viole bratsche bratschen altviool altowka violy`)
	add(w, "cello", `cello celli cellos violoncello violoncelli violoncellos violoncelle violoncelles violonchelo violonchelos violoncelo violoncel wiolonczela wiolonczele violoncell`)
	add(w, "double bass", `contrabass kontrabass kontrabasse contrebasse contrebasses contrabbasso contrabbassi contrabajo contrabajos kontrabas kontrabasy`)
	add(w, "flute", `altflote bassflote flute flutes flote floten flauto flauti flauta flautas fletna fletnu flet fletnia fluit fluiten floyte flojt querflote traverso`)
	add(w, "piccolo", `piccolo piccoli ottavino`)
	add(w, "recorder", `recorder recorders blockflote blockfloten blokfluit`)
	add(w, "oboe", `oboe oboes oboen oboi hautbois oboa hobo`)
	add(w, "english horn", `englischhorn`)
	add(w, "clarinet", `bassklarinette bassclarinet clarinet clarinets klarinette klarinetten clarinette clarinettes clarinetto clarinetti clarinete clarinetes klarinet klarinety klarnet`)
	add(w, "bassoon", `kontrafagott contrabassoon contrebasson controfagotto bassoon bassoons fagott fagotte fagotto fagotti basson bassons fagot fagoty`)
	add(w, "horn", `horn horns horner cor cors corno corni trompa trompas waldhorn`)
	add(w, "trumpet", `trumpet trumpets trompete trompeten trompette trompettes tromba trombe trompeta trompetas trubka trubky`)
	add(w, "trombone", `trombone trombones posaune posaunen tromboni pozoun puzon`)
	add(w, "tuba", `tuba tubas tuben`)
	add(w, "saxophone", `altsaxophon tenorsaxophon baritonsaxophon sopransaxophon saxophone saxophones saxophon sassofono saxofon saxofono`)
	add(w, "timpani", `timpani pauken pauke timbales tympani`)
	add(w, "percussion", `percussion schlagzeug percussioni percusion`)
	add(w, "voice", `voice voices voix stimme stimmen singstimme singstimmen gesang chant canto voz voce hlas zpev spiew rost stemme stamma sang`)
	add(w, "soprano", `soprano sopran soprani sopranos sopranstimme cantus discantus superius`)
	add(w, "mezzo-soprano", `mezzosopran mezzosoprano`)
	add(w, "contralto", `contralto altstimme altus contratenor`)
	add(w, "tenor", `tenor tenore tenori tenors tenorstimme`)
	add(w, "baritone", `baritone bariton baritono baritonstimme`)
	add(w, "bass", `bass basso bassi basse bas bassstimme bassus`)
	add(w, "choir", `choir choirs chorus chor chore choeur choeurs coro cori sbor sboru koor kor`)
	add(w, "orchestra", `orchestra orchester orchestre orquesta orchestr orkest orkester orkiestra orquestra`)
	add(w, "string orchestra", `streichorchester`)
	add(w, "continuo", `continuo`)
	add(w, "string quartet", `streichquartett streichquartette strijkkwartet strykkvartett strygekvartet strakkvartett`)
	add(w, "string trio", `streichtrio`)
	add(w, "string quintet", `streichquintett`)
	add(w, "piano trio", `klaviertrio klaviertrios pianotrio`)
	add(w, "piano quartet", `klavierquartett`)
	add(w, "piano quintet", `klavierquintett`)
	add(w, "wind quintet", `blaserquintett holzblaserquintett`)
	add(w, markFourHands, `vierhandig vierhaendig fyrhandig firhaendig quatremains`)
	add(w, markSATB, `satb`)

	a := instrumentAbbrev
	add(a, "violin", `vl vln vn vi viol`)
	add(a, "viola", `va vla`)
	add(a, "cello", `vc vlc vcl vcello`)
	add(a, "double bass", `cb kb db cbs`)
	add(a, "piano", `pno pf pfte pft klav`)
	add(a, "organ", `org`)
	add(a, "flute", `fl`)
	add(a, "oboe", `ob`)
	add(a, "clarinet", `cl clar klar`)
	add(a, "bassoon", `fg bn fag`)
	add(a, "horn", `hn`)
	add(a, "trumpet", `tpt trp`)
	add(a, "trombone", `trb pos tbn`)
	add(a, "timpani", `timp`)
	add(a, "guitar", `gtr git guit`)
	add(a, "harp", `hp hrp`)
	add(a, "soprano", `sop`)
	add(a, "alto", `a`)
	add(a, "tenor", `ten`)
	add(a, "baritone", `bar`)

	p := instrumentPhrases
	add(p, "double bass", `double_bass double_basses string_bass`)
	// An instrument's alto, tenor or bass is that instrument, not a voice.
	add(p, "flute", `bass_flute alto_flute flute_alto flute_basse flauto_contralto flauto_basso`)
	add(p, "clarinet", `bass_clarinet clarinette_basse clarinetto_basso alto_clarinet`)
	add(p, "saxophone", `soprano_saxophone alto_saxophone tenor_saxophone baritone_saxophone saxophone_alto saxophone_tenor sax_alto sax_tenor alto_sax tenor_sax`)
	add(p, "trombone", `bass_trombone tenor_trombone alto_trombone`)
	add(p, "percussion", `bass_drum snare_drum tenor_drum gran_cassa grosse_caisse`)
	add(p, "guitar", `bass_guitar electric_guitar electric_bass acoustic_guitar classical_guitar`)
	add(p, "english horn", `english_horn cor_anglais cors_anglais corno_inglese corno_ingles`)
	add(p, "horn", `french_horn lesni_roh`)
	add(p, "recorder", `flute_a_bec flutes_a_bec flauto_dolce flauta_dulce zobcova_fletna`)
	add(p, "piccolo", `petite_flute`)
	add(p, "continuo", `basso_continuo b_c`)
	add(p, "mezzo-soprano", `mezzo_soprano mezzo`)
	add(p, "choir", `mixed_choir gemischter_chor gemischten_chor choeur_mixte coro_misto coro_mixto smiseny_sbor chor_mieszany`)
	add(p, "string orchestra", `string_orchestra orchestre_a_cordes orchestra_d_archi orchestra_darchi orquesta_de_cuerda orquesta_de_cuerdas smyccovy_orchestr`)
	add(p, "string quartet", `string_quartet quatuor_a_cordes quartetto_d_archi quartetto_darchi cuarteto_de_cuerda cuarteto_de_cuerdas smyccovy_kvartet kwartet_smyczkowy quarteto_de_cordas`)
	add(p, "string trio", `string_trio trio_a_cordes trio_d_archi`)
	add(p, "string quintet", `string_quintet quintette_a_cordes`)
	add(p, "piano trio", `piano_trio trio_avec_piano trio_con_pianoforte trio_para_piano klavirni_trio`)
	add(p, "piano quartet", `piano_quartet quatuor_avec_piano`)
	add(p, "piano quintet", `piano_quintet quintette_avec_piano`)
	add(p, "wind quintet", `wind_quintet quintette_a_vent`)
	add(p, markFourHands, `piano_duet`)
	for _, n := range strings.Fields(`vier four quatre quattro cuatro quatro ctyri cztery fire fyra 4`) {
		for _, h := range strings.Fields(`handen hande hands mains mani manos maos ruce rece hender hander`) {
			p[n+" "+h] = markFourHands
		}
	}
	for _, n := range strings.Fields(`zwei two deux due dos dva dve twee to tva dwa 2`) {
		for _, pi := range strings.Fields(`klaviere pianos pianoforti pianofortes klavire klaviry fortepiany`) {
			p[n+" "+pi] = markTwoPianos
		}
	}
}

// instrumentPrepositions introduce instruments: "für", "for", "pour", "per", "para", "pro",
// "voor", "na", "dla", "för".
// "fiir" and "flir" are how OCR often reads "für".
var instrumentPrepositions = wordSet(`fur fuer for pour per para pro voor na dla fiir flir`)

// instrumentGlue are the words that may stand between instruments in a phrase
// ("für eine Singstimme mit Begleitung des Pianoforte", "pro housle a klavír").
var instrumentGlue = wordSet(`and und et e ed y i a en og och oraz with mit avec con col colla coll s z ze
begleitung accompagnement accompagnamento acompanamiento accompaniment doprovodem doprovod akompaniament
des der dem den die de du di del della dello la le les il lo l the an of eine einer einem einen ein un une uno una
solo soli sola obbligato obligato obligat obl ad lib libitum zu hohe hoher mittlere tiefe high medium low
to jeden one ii iii iv in b es f c g d fur fuer for pour per para pro voor na dla
grosses grossem grosse grossen grand grande gran kleines kleinem kleine petit petite piccola full large small chamber
kammer`)

// numberWords count the instruments after them.
var numberWords = map[string]int{"zwei": 2, "two": 2, "deux": 2, "due": 2, "dos": 2, "dva": 2, "dve": 2, "twee": 2, "tva": 2,
	"dwa": 2, "drei": 3, "three": 3, "trois": 3, "tre": 3, "tres": 3, "tri": 3, "trzy": 3}

// instrumentSet is what a phrase or a set of labels names.
type instrumentSet struct {
	items []string       // instruments in the order named
	count map[string]int // how many of each
	marks map[string]bool
	glued bool // joined by "and", "und", "et"… (a phrase, not a list of labels)
}

func (s *instrumentSet) add(id string, n int) {
	if s.count == nil {
		s.count, s.marks = map[string]int{}, map[string]bool{}
	}
	switch id {
	case markFourHands, markTwoPianos, markSATB:
		s.marks[id] = true
		return
	}
	if s.count[id] == 0 {
		s.items = append(s.items, id)
	}
	s.count[id] += n
}

func (s *instrumentSet) empty() bool { return len(s.items) == 0 && len(s.marks) == 0 }

// scanInstruments reads instruments from ws[i:] as long as every word is an instrument,
// a phrase of them or glue; it returns the set and the index after the last word read.
// Labels allows abbreviations followed by a full stop ("Vc.").
func scanInstruments(ws []word, i int, labels bool) (instrumentSet, int) {
	var s instrumentSet
	n := 1 // "zwei Violinen": two
	for i < len(ws) {
		if k, id := phraseAt(ws, i); k > 0 {
			s.add(id, n)
			i, n = i+k, 1
			continue
		}
		f := ws[i].f
		if id, ok := instrumentWords[f]; ok {
			s.add(id, n)
			i, n = i+1, 1
			continue
		}
		if id, ok := instrumentAbbrev[f]; ok && labels && ws[i].dot {
			s.add(id, n)
			i, n = i+1, 1
			continue
		}
		if c, ok := numberWords[f]; ok {
			n = c
			i++
			continue
		}
		if instrumentGlue[f] || romanNumeral.MatchString(f) && utf8.RuneCountInString(f) <= 3 {
			if !romanNumeral.MatchString(f) && f != "in" && utf8.RuneCountInString(f) <= 4 {
				switch f {
				case "and", "und", "et", "e", "ed", "y", "i", "a", "en", "og", "och", "oraz", "with", "mit", "avec", "con", "s", "z":
					s.glued = true
				}
			}
			i++
			continue
		}
		break
	}
	return s, i
}

// phraseAt matches the longest instrument phrase at ws[i:], and returns its length in words.
func phraseAt(ws []word, i int) (int, string) {
	for n := 4; n >= 2; n-- {
		if i+n > len(ws) {
			continue
		}
		parts := make([]string, n)
		for k := range parts {
			parts[k] = ws[i+k].f
		}
		if id, ok := instrumentPhrases[strings.Join(parts, " ")]; ok {
			return n, id
		}
	}
	return 0, ""
}

// phraseInstruments reads "für Violine und Klavier" and its like anywhere in a line: a
// preposition and, after it, instruments.
func phraseInstruments(l textLine) (instrumentSet, bool) {
	for i, w := range l.ws {
		if !instrumentPrepositions[w.f] {
			continue
		}
		s, _ := scanInstruments(l.ws, i+1, false)
		if !s.empty() {
			return s, true
		}
	}
	return instrumentSet{}, false
}

// lineInstruments: the whole line is instruments (a preposition first allowed): "Chant et
// Piano", "für Klavier", "Violino I", "Soprano Alto Tenor Bass", "Vl. 1, Vl. 2, Va., Vc.",
// "S A T B".
func lineInstruments(l textLine) (instrumentSet, bool) {
	ws := l.ws
	if len(ws) == 0 {
		return instrumentSet{}, false
	}
	start := 0
	if instrumentPrepositions[ws[0].f] {
		start = 1
	}
	s, end := scanInstruments(ws, start, true)
	if end == len(ws) && !s.empty() {
		return s, true
	}
	// "S A T B", "S. A. T. B.": voices by their initials.
	if len(ws) >= 3 && len(ws) <= 4 {
		parts := map[string]string{"s": "soprano", "a": "alto", "t": "tenor", "b": "bass"}
		var v instrumentSet
		for _, w := range ws {
			id, ok := parts[w.f]
			if !ok || v.count[id] > 0 {
				return instrumentSet{}, false
			}
			v.add(id, 1)
		}
		return v, true
	}
	return instrumentSet{}, false
}

// ensembleWords finds the words that name an ensemble anywhere in a line ("Streichquartett",
// "Smyčcový kvartet", "Trio avec piano").
func ensembleWords(l textLine) string {
	for i := range l.ws {
		if n, id := phraseAt(l.ws, i); n > 0 && isEnsemble(id) {
			return id
		}
		if id, ok := instrumentWords[l.ws[i].f]; ok && isEnsemble(id) {
			return id
		}
	}
	return ""
}

func isEnsemble(id string) bool {
	switch id {
	case "string quartet", "string trio", "string quintet", "piano trio", "piano quartet", "piano quintet", "wind quintet":
		return true
	}
	return false
}

var voiceParts = map[string]bool{"soprano": true, "mezzo-soprano": true, "alto": true, "contralto": true, "tenor": true, "baritone": true, "bass": true}

var instrumentFamilies = map[string]string{"violin": "strings", "viola": "strings", "cello": "strings", "double bass": "strings",
	"flute": "flutes", "piccolo": "flutes", "oboe": "oboes", "english horn": "oboes", "clarinet": "clarinets", "bassoon": "bassoons",
	"horn": "horns", "trumpet": "trumpets", "trombone": "trombones", "tuba": "tubas", "timpani": "percussion",
	"percussion": "percussion", "harp": "harps"}

// name calls the set in the vocabulary: "piano", "piano four hands", "voice and piano",
// "string quartet", "SATB choir", "violin and orchestra"…; "" when it is no sensible call.
func (s instrumentSet) name() string {
	if s.empty() {
		return ""
	}
	// "alto" is a viola among strings and in an orchestra, else a voice; "bass" a double
	// bass there unless voices surround it.
	bowed := s.count["violin"] + s.count["viola"] + s.count["cello"] + s.count["double bass"]
	voices := 0
	for _, id := range s.items {
		if voiceParts[id] || id == "voice" {
			voices++
		}
	}
	count := map[string]int{}
	var order []string
	for _, item := range s.items {
		id := item
		switch {
		case id == "alto" && (bowed > 0 || s.count["orchestra"] > 0):
			id = "viola"
		case id == "bass" && voices <= 1 && (bowed > 0 || s.count["orchestra"] > 0):
			id = "double bass"
		}
		if count[id] == 0 {
			order = append(order, id)
		}
		count[id] += s.count[item]
	}

	// Voices: three of the four parts (or the SATB mark) are a choir; one part or "voice" is
	// a voice.
	parts := 0
	for _, group := range [][]string{{"soprano", "mezzo-soprano"}, {"alto", "contralto"}, {"tenor"}, {"bass", "baritone"}} {
		for _, p := range group {
			if count[p] > 0 {
				parts++
				break
			}
		}
	}
	satb := s.marks[markSATB] || parts >= 3
	var rest []string
	choir, voice := satb || count["choir"] > 0, false
	for _, id := range order {
		switch {
		case voiceParts[id] || id == "voice":
			voice = true
		case id == "choir":
		default:
			rest = append(rest, id)
		}
	}
	if choir {
		name := "choir"
		if satb {
			name = "SATB choir"
		}
		return joinEnsemble(name, rest, count)
	}

	if s.marks[markTwoPianos] {
		return "two pianos"
	}
	if s.marks[markFourHands] && (len(rest) == 0 || len(rest) == 1 && rest[0] == "piano") && !voice {
		return "piano four hands"
	}

	// Chamber ensembles by their instruments.
	only := func(want map[string]int) bool {
		if len(rest) != len(want) || voice {
			return false
		}
		for id, n := range want {
			if count[id] != n {
				return false
			}
		}
		return true
	}
	switch {
	case len(rest) == 1 && isEnsemble(rest[0]):
		return rest[0]
	case only(map[string]int{"violin": 2, "viola": 1, "cello": 1}):
		return "string quartet"
	case only(map[string]int{"violin": 1, "viola": 1, "cello": 1}):
		return "string trio"
	case only(map[string]int{"violin": 1, "cello": 1, "piano": 1}):
		return "piano trio"
	case only(map[string]int{"violin": 1, "viola": 1, "cello": 1, "piano": 1}):
		return "piano quartet"
	case only(map[string]int{"violin": 2, "viola": 1, "cello": 1, "piano": 1}):
		return "piano quintet"
	case only(map[string]int{"flute": 1, "oboe": 1, "clarinet": 1, "horn": 1, "bassoon": 1}):
		return "wind quintet"
	}

	// An orchestra, named or seen in its families of instruments.
	families := map[string]bool{}
	for _, id := range rest {
		if f, ok := instrumentFamilies[id]; ok {
			families[f] = true
		}
	}
	if len(families) >= 6 && count["orchestra"] == 0 && count["string orchestra"] == 0 {
		return "orchestra"
	}
	for _, o := range []string{"orchestra", "string orchestra"} {
		if count[o] > 0 {
			var soloists []string
			for _, id := range rest {
				if id != o {
					soloists = append(soloists, id)
				}
			}
			if voice {
				soloists = append([]string{"voice"}, soloists...)
			}
			if len(soloists) == 0 {
				return o
			}
			return listNames(soloists, count) + " and " + o
		}
	}
	if voice {
		rest = append([]string{"voice"}, rest...)
		count["voice"] = 1
	}
	if len(rest) > 4 {
		return "" // a list of labels too long to name: no call
	}
	return listNames(rest, count)
}

// joinEnsemble: "choir", "choir and orchestra", "SATB choir and organ".
func joinEnsemble(name string, with []string, count map[string]int) string {
	if len(with) == 0 {
		return name
	}
	if len(with) > 2 {
		return name + " and orchestra"
	}
	return name + " and " + listNames(with, count)
}

// listNames: keyboard and continuo last ("violin and piano", "flute, violin and piano",
// "two violins and piano").
func listNames(ids []string, count map[string]int) string {
	ids = append([]string(nil), ids...)
	rank := func(id string) int {
		switch id {
		case "piano", "harpsichord", "organ", "continuo":
			return 1
		}
		return 0
	}
	sort.SliceStable(ids, func(i, j int) bool { return rank(ids[i]) < rank(ids[j]) })
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id
		switch count[id] {
		case 2:
			names[i] = "two " + plural(id)
		case 3:
			names[i] = "three " + plural(id)
		}
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func plural(id string) string {
	switch {
	case strings.HasSuffix(id, "s"):
		return id
	case id == "double bass":
		return "double basses"
	}
	return id + "s"
}
