package main

// composer: the canonical name the ground truth uses, its parts (to print it in other
// orders), life dates, the spellings title pages in some languages use, and the other
// spellings of the same name that count as right.
type composer struct {
	canon, given, particle, surname string
	born, died                      int
	native                          map[string][]string // by language; "*" any
	aliases                         []string
	surnameOnly                     bool // the surname alone names this composer
}

var composers = map[string]composer{
	"chopin":       {"Frédéric Chopin", "Frédéric", "", "Chopin", 1810, 1849, map[string][]string{"*": {"Fryderyk Chopin"}, "de": {"Friedrich Chopin"}}, []string{"Fryderyk Chopin"}, true},
	"schubert":     {"Franz Schubert", "Franz", "", "Schubert", 1797, 1828, map[string][]string{"fr": {"François Schubert"}}, []string{"Franz Peter Schubert"}, true},
	"beethoven":    {"Ludwig van Beethoven", "Ludwig", "van", "Beethoven", 1770, 1827, nil, nil, true},
	"bach":         {"Johann Sebastian Bach", "Johann Sebastian", "", "Bach", 1685, 1750, nil, nil, false},
	"mozart":       {"Wolfgang Amadeus Mozart", "Wolfgang Amadeus", "", "Mozart", 1756, 1791, nil, nil, true},
	"haydn":        {"Joseph Haydn", "Joseph", "", "Haydn", 1732, 1809, map[string][]string{"de": {"Franz Joseph Haydn"}}, []string{"Franz Joseph Haydn"}, true},
	"handel":       {"George Frideric Handel", "George Frideric", "", "Handel", 1685, 1759, map[string][]string{"de": {"Georg Friedrich Händel"}, "it": {"Giorgio Federico Haendel"}, "fr": {"Georges Frédéric Haendel"}}, []string{"Georg Friedrich Händel", "Georg Friedrich Handel"}, true},
	"vivaldi":      {"Antonio Vivaldi", "Antonio", "", "Vivaldi", 1678, 1741, nil, nil, true},
	"liszt":        {"Franz Liszt", "Franz", "", "Liszt", 1811, 1886, map[string][]string{"*": {"Ferenc Liszt"}}, []string{"Ferenc Liszt"}, true},
	"rschumann":    {"Robert Schumann", "Robert", "", "Schumann", 1810, 1856, nil, nil, false},
	"cschumann":    {"Clara Schumann", "Clara", "", "Schumann", 1819, 1896, map[string][]string{"de": {"Clara Wieck-Schumann"}}, []string{"Clara Wieck-Schumann", "Clara Wieck"}, false},
	"mendelssohn":  {"Felix Mendelssohn", "Felix", "", "Mendelssohn", 1809, 1847, map[string][]string{"de": {"Felix Mendelssohn Bartholdy"}, "*": {"F. Mendelssohn Bartholdy"}}, []string{"Felix Mendelssohn Bartholdy"}, true},
	"hensel":       {"Fanny Hensel", "Fanny", "", "Hensel", 1805, 1847, map[string][]string{"de": {"Fanny Hensel geb. Mendelssohn"}}, []string{"Fanny Mendelssohn", "Fanny Mendelssohn Hensel"}, false},
	"brahms":       {"Johannes Brahms", "Johannes", "", "Brahms", 1833, 1897, nil, nil, true},
	"dvorak":       {"Antonín Dvořák", "Antonín", "", "Dvořák", 1841, 1904, map[string][]string{"de": {"Anton Dvořák"}, "en": {"Antonin Dvorak"}}, nil, true},
	"smetana":      {"Bedřich Smetana", "Bedřich", "", "Smetana", 1824, 1884, map[string][]string{"de": {"Friedrich Smetana"}}, nil, true},
	"janacek":      {"Leoš Janáček", "Leoš", "", "Janáček", 1854, 1928, nil, nil, true},
	"fibich":       {"Zdeněk Fibich", "Zdeněk", "", "Fibich", 1850, 1900, nil, nil, true},
	"suk":          {"Josef Suk", "Josef", "", "Suk", 1874, 1935, nil, nil, false},
	"grieg":        {"Edvard Grieg", "Edvard", "", "Grieg", 1843, 1907, map[string][]string{"de": {"Edvard Hagerup Grieg"}}, []string{"Edvard Hagerup Grieg"}, true},
	"backer":       {"Agathe Backer Grøndahl", "Agathe", "", "Backer Grøndahl", 1847, 1907, nil, []string{"Agathe Backer-Grøndahl"}, false},
	"sinding":      {"Christian Sinding", "Christian", "", "Sinding", 1856, 1941, nil, nil, true},
	"halvorsen":    {"Johan Halvorsen", "Johan", "", "Halvorsen", 1864, 1935, nil, nil, true},
	"svendsen":     {"Johan Svendsen", "Johan", "", "Svendsen", 1840, 1911, nil, nil, true},
	"debussy":      {"Claude Debussy", "Claude", "", "Debussy", 1862, 1918, map[string][]string{"fr": {"Claude-Achille Debussy"}}, []string{"Claude-Achille Debussy"}, true},
	"faure":        {"Gabriel Fauré", "Gabriel", "", "Fauré", 1845, 1924, nil, nil, true},
	"saintsaens":   {"Camille Saint-Saëns", "Camille", "", "Saint-Saëns", 1835, 1921, nil, nil, true},
	"satie":        {"Erik Satie", "Erik", "", "Satie", 1866, 1925, nil, nil, true},
	"chaminade":    {"Cécile Chaminade", "Cécile", "", "Chaminade", 1857, 1944, nil, nil, true},
	"franck":       {"César Franck", "César", "", "Franck", 1822, 1890, nil, nil, true},
	"bizet":        {"Georges Bizet", "Georges", "", "Bizet", 1838, 1875, nil, nil, true},
	"massenet":     {"Jules Massenet", "Jules", "", "Massenet", 1842, 1912, nil, nil, true},
	"ravel":        {"Maurice Ravel", "Maurice", "", "Ravel", 1875, 1937, nil, nil, true},
	"widor":        {"Charles-Marie Widor", "Charles-Marie", "", "Widor", 1844, 1937, nil, []string{"Charles Marie Widor"}, true},
	"tosti":        {"Francesco Paolo Tosti", "Francesco Paolo", "", "Tosti", 1846, 1916, map[string][]string{"it": {"F. Paolo Tosti"}}, nil, true},
	"bellini":      {"Vincenzo Bellini", "Vincenzo", "", "Bellini", 1801, 1835, nil, nil, true},
	"paganini":     {"Niccolò Paganini", "Niccolò", "", "Paganini", 1782, 1840, nil, nil, true},
	"scarlatti":    {"Domenico Scarlatti", "Domenico", "", "Scarlatti", 1685, 1757, nil, nil, false},
	"corelli":      {"Arcangelo Corelli", "Arcangelo", "", "Corelli", 1653, 1713, nil, nil, true},
	"clementi":     {"Muzio Clementi", "Muzio", "", "Clementi", 1752, 1832, nil, nil, true},
	"boccherini":   {"Luigi Boccherini", "Luigi", "", "Boccherini", 1743, 1805, nil, nil, true},
	"pergolesi":    {"Giovanni Battista Pergolesi", "Giovanni Battista", "", "Pergolesi", 1710, 1736, nil, nil, true},
	"palestrina":   {"Giovanni Pierluigi da Palestrina", "Giovanni Pierluigi", "da", "Palestrina", 1525, 1594, nil, nil, true},
	"victoria":     {"Tomás Luis de Victoria", "Tomás Luis", "de", "Victoria", 1548, 1611, map[string][]string{"la": {"Thomas Ludovicus a Victoria"}, "it": {"Tommaso Lodovico da Vittoria"}}, []string{"Thomas Luis de Victoria"}, false},
	"rossini":      {"Gioachino Rossini", "Gioachino", "", "Rossini", 1792, 1868, nil, []string{"Gioacchino Rossini"}, true},
	"albeniz":      {"Isaac Albéniz", "Isaac", "", "Albéniz", 1860, 1909, nil, nil, true},
	"granados":     {"Enrique Granados", "Enrique", "", "Granados", 1867, 1916, nil, nil, true},
	"tarrega":      {"Francisco Tárrega", "Francisco", "", "Tárrega", 1852, 1909, nil, nil, true},
	"sor":          {"Fernando Sor", "Fernando", "", "Sor", 1778, 1839, map[string][]string{"fr": {"Ferdinand Sor"}}, []string{"Ferdinand Sor"}, false},
	"falla":        {"Manuel de Falla", "Manuel", "de", "Falla", 1876, 1946, nil, nil, false},
	"giuliani":     {"Mauro Giuliani", "Mauro", "", "Giuliani", 1781, 1829, nil, nil, true},
	"elgar":        {"Edward Elgar", "Edward", "", "Elgar", 1857, 1934, nil, nil, true},
	"purcell":      {"Henry Purcell", "Henry", "", "Purcell", 1659, 1695, nil, nil, true},
	"joplin":       {"Scott Joplin", "Scott", "", "Joplin", 1868, 1917, nil, nil, true},
	"field":        {"John Field", "John", "", "Field", 1782, 1837, nil, nil, false},
	"tallis":       {"Thomas Tallis", "Thomas", "", "Tallis", 1505, 1585, nil, nil, true},
	"tchaikovsky":  {"Pyotr Ilyich Tchaikovsky", "Pyotr Ilyich", "", "Tchaikovsky", 1840, 1893, map[string][]string{"de": {"Peter Tschaikowsky", "P. Tschaikowsky"}, "fr": {"P. Tschaïkowsky", "Pierre Tschaïkowsky"}, "cs": {"Petr Iljič Čajkovskij"}}, []string{"Peter Ilyich Tchaikovsky", "Peter Tchaikovsky", "Piotr Ilyich Tchaikovsky"}, true},
	"rachmaninoff": {"Sergei Rachmaninoff", "Sergei", "", "Rachmaninoff", 1873, 1943, map[string][]string{"fr": {"Serge Rachmaninow"}, "de": {"Sergei Rachmaninow"}}, []string{"Sergei Rachmaninov", "Sergei Rachmaninow", "Serge Rachmaninoff"}, true},
	"mussorgsky":   {"Modest Mussorgsky", "Modest", "", "Mussorgsky", 1839, 1881, map[string][]string{"fr": {"Modeste Moussorgsky"}}, []string{"Modest Musorgsky", "Modeste Moussorgsky"}, true},
	"scriabin":     {"Alexander Scriabin", "Alexander", "", "Scriabin", 1872, 1915, map[string][]string{"fr": {"Alexandre Scriabine"}, "de": {"Alexander Skrjabin"}}, []string{"Alexander Skryabin", "Alexandre Scriabine"}, true},
	"czerny":       {"Carl Czerny", "Carl", "", "Czerny", 1791, 1857, map[string][]string{"fr": {"Charles Czerny"}}, nil, true},
	"weber":        {"Carl Maria von Weber", "Carl Maria", "von", "Weber", 1786, 1826, nil, nil, false},
	"bruckner":     {"Anton Bruckner", "Anton", "", "Bruckner", 1824, 1896, nil, nil, true},
	"gluck":        {"Christoph Willibald Gluck", "Christoph Willibald", "", "Gluck", 1714, 1787, nil, []string{"Christoph Willibald von Gluck"}, true},
	"buxtehude":    {"Dieterich Buxtehude", "Dieterich", "", "Buxtehude", 1637, 1707, nil, []string{"Dietrich Buxtehude"}, true},
	"boellmann":    {"Léon Boëllmann", "Léon", "", "Boëllmann", 1862, 1897, nil, nil, true},
}

// work is one engraved score: the ground truth of what its pages say, and what its music is.
type work struct {
	id       string
	lang     string // the title page's language
	composer string // key of composers
	title    string
	subtitle string // a real subtitle (a collection, a piece's name); "" none
	cat      catalogue
	key      string // "E-flat major"
	instr    string // the English vocabulary of the ground truth
	meter    string
	tempo    string
	pages    int    // pages of music, about
	poet     string // songs and choruses
	lyrics   string // the words sung; "" the language's stock line
}

func op(num, sub string) catalogue        { return catalogue{"Op", num, sub} }
func cat(kind, num, sub string) catalogue { return catalogue{kind, num, sub} }

var none catalogue

// works: public-domain pieces with plausible title pages. Keys and catalogue numbers are the
// real ones where the work has them; the music under them is generated.
var works = []work{
	// Chopin
	{"chopin-etude-25-3", "fr", "chopin", "Étude", "", op("25", "3"), "F major", "piano", "3/4", "Allegro", 2, "", ""},
	{"chopin-nocturne-9-2", "en", "chopin", "Nocturne", "", op("9", "2"), "E-flat major", "piano", "12/8", "Andante", 2, "", ""},
	{"chopin-prelude-28-4", "fr", "chopin", "Prélude", "", op("28", "4"), "E minor", "piano", "2/2", "Largo", 1, "", ""},
	{"chopin-mazurka-7-1", "de", "chopin", "Mazurka", "", op("7", "1"), "B-flat major", "piano", "3/4", "Vivace", 1, "", ""},
	{"chopin-valse-64-2", "es", "chopin", "Vals", "", op("64", "2"), "C-sharp minor", "piano", "3/4", "Tempo giusto", 3, "", ""},
	{"chopin-etude-10-12", "en", "chopin", "Étude", "Revolutionary", op("10", "12"), "C minor", "piano", "4/4", "Allegro con fuoco", 3, "", ""},
	{"chopin-polonaise-40-1", "it", "chopin", "Polacca", "", op("40", "1"), "A major", "piano", "3/4", "Allegro con brio", 2, "", ""},
	// Schubert
	{"schubert-impromptu-899-3", "de", "schubert", "Impromptu", "", cat("D", "899", "3"), "G-flat major", "piano", "2/2", "Andante", 3, "", ""},
	{"schubert-impromptu-935-3", "de", "schubert", "Impromptu", "Thema mit Variationen", cat("D", "935", "3"), "B-flat major", "piano", "2/2", "Andante", 2, "", ""},
	{"schubert-moment-780-3", "fr", "schubert", "Moment musical", "", cat("D", "780", "3"), "F minor", "piano", "2/4", "Allegro moderato", 1, "", ""},
	{"schubert-staendchen", "de", "schubert", "Ständchen", "Schwanengesang", cat("D", "957", "4"), "D minor", "voice and piano", "3/4", "Mäßig", 2, "Ludwig Rellstab", "Leise flehen meine Lieder durch die Nacht zu dir in den stillen Hain hernieder Liebchen komm zu mir"},
	{"schubert-lindenbaum", "de", "schubert", "Der Lindenbaum", "Winterreise", cat("D", "911", "5"), "E major", "voice and piano", "3/4", "Mäßig", 2, "Wilhelm Müller", "Am Brunnen vor dem Tore da steht ein Lindenbaum ich träumt in seinem Schatten so manchen süßen Traum"},
	{"schubert-quartet-810", "de", "schubert", "Streichquartett", "Der Tod und das Mädchen", cat("D", "810", ""), "D minor", "string quartet", "4/4", "Allegro", 2, "", ""},
	{"schubert-ave-maria", "de", "schubert", "Ave Maria", "Ellens dritter Gesang", cat("D", "839", ""), "B-flat major", "voice and piano", "4/4", "Sehr langsam", 2, "Walter Scott", "Ave Maria gratia plena Maria gratia plena Dominus tecum"},
	{"schubert-marche-733", "fr", "schubert", "Marche militaire", "", cat("D", "733", "1"), "D major", "piano four hands", "2/4", "Allegro vivace", 2, "", ""},
	{"schubert-unvollendete", "de", "schubert", "Symphonie Nr. 8", "Unvollendete", cat("D", "759", ""), "B minor", "orchestra", "3/4", "Allegro moderato", 2, "", ""},
	{"schubert-trio-929", "de", "schubert", "Trio", "", cat("D", "929", ""), "E-flat major", "piano trio", "3/4", "Allegro", 2, "", ""},
	// Beethoven
	{"beethoven-elise", "de", "beethoven", "Für Elise", "Albumblatt", cat("WoO", "59", ""), "A minor", "piano", "3/8", "Poco moto", 2, "", ""},
	{"beethoven-pathetique", "fr", "beethoven", "Grande Sonate pathétique", "", op("13", ""), "C minor", "piano", "4/4", "Grave", 3, "", ""},
	{"beethoven-romanze-50", "de", "beethoven", "Romanze", "", op("50", ""), "F major", "violin and piano", "3/4", "Adagio cantabile", 2, "", ""},
	{"beethoven-bagatelle-33-3", "en", "beethoven", "Bagatelle", "", op("33", "3"), "F major", "piano", "3/4", "Allegretto", 1, "", ""},
	{"beethoven-quartet-18-4", "de", "beethoven", "Quartett", "", op("18", "4"), "C minor", "string quartet", "4/4", "Allegro ma non tanto", 2, "", ""},
	{"beethoven-andante-favori", "it", "beethoven", "Andante favori", "", cat("WoO", "57", ""), "F major", "piano", "3/8", "Andante grazioso con moto", 2, "", ""},
	{"beethoven-symphony-5", "de", "beethoven", "Symphonie Nr. 5", "", op("67", ""), "C minor", "orchestra", "2/4", "Allegro con brio", 2, "", ""},
	{"beethoven-trio-97", "de", "beethoven", "Trio", "Erzherzog-Trio", op("97", ""), "B-flat major", "piano trio", "4/4", "Allegro moderato", 2, "", ""},
	// Bach
	{"bach-wtc-846", "de", "bach", "Präludium", "Das Wohltemperierte Klavier I", cat("BWV", "846", ""), "C major", "piano", "4/4", "Moderato", 1, "", ""},
	{"bach-invention-772", "en", "bach", "Invention", "", cat("BWV", "772", ""), "C major", "piano", "4/4", "Moderato", 1, "", ""},
	{"bach-toccata-565", "de", "bach", "Toccata und Fuge", "", cat("BWV", "565", ""), "D minor", "organ", "4/4", "Adagio", 3, "", ""},
	{"bach-jesus-bleibet", "de", "bach", "Jesus bleibet meine Freude", "Choral aus der Kantate „Herz und Mund und Tat und Leben“", cat("BWV", "147", "10"), "G major", "SATB choir", "3/4", "Andante", 2, "Martin Janus", "Jesus bleibet meine Freude meines Herzens Trost und Saft Jesus wehret allem Leide"},
	{"bach-air-1068", "en", "bach", "Air", "from the Orchestral Suite No. 3", cat("BWV", "1068", ""), "D major", "string quartet", "4/4", "Lento", 1, "", ""},
	{"bach-suite-1007", "de", "bach", "Suite Nr. 1", "Prélude", cat("BWV", "1007", ""), "G major", "cello", "4/4", "Moderato", 2, "", ""},
	{"bach-flute-1031", "de", "bach", "Sonate", "Siciliano", cat("BWV", "1031", ""), "E-flat major", "flute and piano", "6/8", "Siciliano", 2, "", ""},
	// Mozart
	{"mozart-sonata-331", "de", "mozart", "Sonate", "", cat("K", "331", ""), "A major", "piano", "6/8", "Andante grazioso", 3, "", ""},
	{"mozart-rondo-485", "it", "mozart", "Rondò", "", cat("K", "485", ""), "D major", "piano", "2/2", "Allegro", 2, "", ""},
	{"mozart-nachtmusik", "de", "mozart", "Eine kleine Nachtmusik", "Serenade", cat("K", "525", ""), "G major", "string quartet", "4/4", "Allegro", 3, "", ""},
	{"mozart-ave-verum", "la", "mozart", "Ave verum corpus", "", cat("K", "618", ""), "D major", "SATB choir", "2/2", "Adagio", 1, "", "Ave verum corpus natum de Maria virgine vere passum immolatum in cruce pro homine"},
	{"mozart-fantasie-397", "de", "mozart", "Fantasie", "", cat("K", "397", ""), "D minor", "piano", "4/4", "Andante", 2, "", ""},
	{"mozart-sonata-304", "fr", "mozart", "Sonate", "", cat("K", "304", ""), "E minor", "violin and piano", "4/4", "Allegro", 2, "", ""},
	{"mozart-andante-315", "de", "mozart", "Andante", "", cat("K", "315", ""), "C major", "flute and piano", "2/4", "Andante", 1, "", ""},
	{"mozart-symphony-550", "de", "mozart", "Sinfonie", "", cat("K", "550", ""), "G minor", "orchestra", "2/2", "Molto allegro", 2, "", ""},
	// Haydn
	{"haydn-sonata-52", "de", "haydn", "Sonate", "", cat("Hob", "XVI:52", ""), "E-flat major", "piano", "4/4", "Allegro", 3, "", ""},
	{"haydn-kaiser", "de", "haydn", "Streichquartett", "Kaiserquartett", op("76", "3"), "C major", "string quartet", "4/4", "Allegro", 2, "", ""},
	{"haydn-sonata-37", "it", "haydn", "Sonata", "", cat("Hob", "XVI:37", ""), "D major", "piano", "2/4", "Allegro con brio", 2, "", ""},
	{"haydn-trio-25", "de", "haydn", "Trio", "Zigeunertrio", cat("Hob", "XV:25", ""), "G major", "piano trio", "2/4", "Andante", 2, "", ""},
	// Handel
	{"handel-blacksmith", "en", "handel", "Air and Variations", "The Harmonious Blacksmith", cat("HWV", "430", ""), "E major", "piano", "4/4", "Moderato", 2, "", ""},
	{"handel-ombra", "it", "handel", "Largo", "Ombra mai fu", cat("HWV", "40", ""), "F major", "voice and piano", "3/4", "Larghetto", 2, "Nicola Minato", "Ombra mai fu di vegetabile cara ed amabile soave più"},
	{"handel-sarabande", "de", "handel", "Sarabande", "", cat("HWV", "437", ""), "D minor", "piano", "3/4", "Grave", 1, "", ""},
	{"handel-flute-363", "de", "handel", "Sonate", "", cat("HWV", "363b", ""), "G major", "flute and piano", "4/4", "Adagio", 2, "", ""},
	// Vivaldi
	{"vivaldi-primavera", "it", "vivaldi", "La Primavera", "Le quattro stagioni", cat("RV", "269", ""), "E major", "violin and piano", "4/4", "Allegro", 2, "", ""},
	{"vivaldi-rv93", "it", "vivaldi", "Concerto", "", cat("RV", "93", ""), "D major", "guitar", "4/4", "Allegro giusto", 2, "", ""},
	// Liszt
	{"liszt-liebestraum", "de", "liszt", "Liebestraum", "Notturno", cat("S", "541", "3"), "A-flat major", "piano", "4/4", "Poco allegro, con affetto", 3, "", ""},
	{"liszt-consolation", "fr", "liszt", "Consolation", "", cat("S", "172", "3"), "D-flat major", "piano", "4/4", "Lento placido", 2, "", ""},
	{"liszt-rhapsody-2", "de", "liszt", "Ungarische Rhapsodie", "", cat("S", "244", "2"), "C-sharp minor", "piano", "4/4", "Lento a capriccio", 4, "", ""},
	// Schumanns, Mendelssohn, Hensel
	{"schumann-traeumerei", "de", "rschumann", "Träumerei", "Kinderszenen", op("15", "7"), "F major", "piano", "4/4", "Langsam", 1, "", ""},
	{"schumann-landmann", "de", "rschumann", "Fröhlicher Landmann", "Album für die Jugend", op("68", "10"), "F major", "piano", "4/4", "Frisch und munter", 1, "", ""},
	{"schumann-widmung", "de", "rschumann", "Widmung", "Myrthen", op("25", "1"), "A-flat major", "voice and piano", "3/4", "Innig, lebhaft", 2, "Friedrich Rückert", "Du meine Seele du mein Herz du meine Wonn o du mein Schmerz du meine Welt in der ich lebe"},
	{"schumann-quartet-41", "de", "rschumann", "Streichquartett", "", op("41", "1"), "A minor", "string quartet", "6/8", "Introduzione. Andante espressivo", 2, "", ""},
	{"clara-romanze-21", "de", "cschumann", "Romanze", "", op("21", "1"), "A minor", "piano", "4/4", "Andante", 2, "", ""},
	{"mendelssohn-fruehlingslied", "de", "mendelssohn", "Frühlingslied", "Lieder ohne Worte", op("62", "6"), "A major", "piano", "2/4", "Allegretto grazioso", 2, "", ""},
	{"mendelssohn-gondellied", "de", "mendelssohn", "Venetianisches Gondellied", "", op("30", "6"), "F-sharp minor", "piano", "6/8", "Allegretto tranquillo", 1, "", ""},
	{"mendelssohn-trio-49", "de", "mendelssohn", "Trio", "", op("49", ""), "D minor", "piano trio", "3/4", "Molto allegro agitato", 3, "", ""},
	{"mendelssohn-organ-65-6", "de", "mendelssohn", "Sonate", "", op("65", "6"), "D minor", "organ", "4/4", "Choral", 2, "", ""},
	{"hensel-januar", "de", "hensel", "Januar", "Das Jahr", none, "B minor", "piano", "4/4", "Adagio quasi una fantasia", 2, "", ""},
	// Brahms
	{"brahms-intermezzo-118-2", "de", "brahms", "Intermezzo", "", op("118", "2"), "A major", "piano", "3/4", "Andante teneramente", 2, "", ""},
	{"brahms-wiegenlied", "de", "brahms", "Wiegenlied", "", op("49", "4"), "E-flat major", "voice and piano", "3/4", "Zart bewegt", 1, "Des Knaben Wunderhorn", "Guten Abend gut Nacht mit Rosen bedacht mit Näglein besteckt schlupf unter die Deck"},
	{"brahms-dance-5", "de", "brahms", "Ungarischer Tanz Nr. 5", "", cat("WoO", "1", "5"), "G minor", "piano four hands", "2/4", "Allegro", 2, "", ""},
	{"brahms-walzer-39-15", "de", "brahms", "Walzer", "", op("39", "15"), "A-flat major", "piano four hands", "3/4", "Moderato", 1, "", ""},
	{"brahms-cello-38", "de", "brahms", "Sonate", "", op("38", ""), "E minor", "cello and piano", "4/4", "Allegro non troppo", 3, "", ""},
	{"brahms-trio-8", "de", "brahms", "Trio", "", op("8", ""), "B major", "piano trio", "3/4", "Allegro con moto", 2, "", ""},
	// Czech
	{"dvorak-humoreska", "cs", "dvorak", "Humoreska", "", op("101", "7"), "G-flat major", "piano", "2/4", "Poco lento e grazioso", 2, "", ""},
	{"dvorak-slavonic-46-8", "cs", "dvorak", "Slovanský tanec", "", op("46", "8"), "G minor", "piano four hands", "3/4", "Presto", 3, "", ""},
	{"dvorak-matka", "cs", "dvorak", "Když mne stará matka", "Cigánské melodie", op("55", "4"), "E minor", "voice and piano", "2/4", "Andante con moto", 2, "Adolf Heyduk", "Když mne stará matka zpívat zpívat učívala podivno že často často slzívala"},
	{"dvorak-american", "cs", "dvorak", "Smyčcový kvartet", "Americký", op("96", ""), "F major", "string quartet", "4/4", "Allegro ma non troppo", 3, "", ""},
	{"dvorak-sonatina-100", "cs", "dvorak", "Sonatina", "", op("100", ""), "G major", "violin and piano", "4/4", "Allegro risoluto", 2, "", ""},
	{"dvorak-new-world", "cs", "dvorak", "Symfonie č. 9", "Z Nového světa", op("95", ""), "E minor", "orchestra", "4/4", "Adagio", 2, "", ""},
	{"dvorak-dumky", "cs", "dvorak", "Dumky", "", op("90", ""), "E minor", "piano trio", "2/4", "Lento maestoso", 2, "", ""},
	{"smetana-vltava", "cs", "smetana", "Vltava", "Má vlast", none, "E minor", "orchestra", "6/8", "Allegro comodo non agitato", 3, "", ""},
	{"janacek-vecery", "cs", "janacek", "Naše večery", "Po zarostlém chodníčku", none, "D-flat major", "piano", "2/4", "Moderato", 2, "", ""},
	{"fibich-poeme", "cs", "fibich", "Poème", "Nálady, dojmy a upomínky", op("41", "6"), "D-flat major", "piano", "4/4", "Andante", 1, "", ""},
	{"suk-pisen-lasky", "cs", "suk", "Píseň lásky", "", op("7", "1"), "A-flat major", "piano", "4/4", "Andante con moto", 2, "", ""},
	// Norwegian
	{"grieg-arietta", "no", "grieg", "Arietta", "Lyriske stykker", op("12", "1"), "E-flat major", "piano", "3/4", "Poco andante e sostenuto", 1, "", ""},
	{"grieg-til-vaaren", "no", "grieg", "Til våren", "Lyriske stykker", op("43", "6"), "F-sharp major", "piano", "4/4", "Allegro appassionato", 2, "", ""},
	{"grieg-jeg-elsker-dig", "no", "grieg", "Jeg elsker dig", "", op("5", "3"), "E major", "voice and piano", "3/4", "Andante", 1, "H. C. Andersen", "Min tankes tanke ene du er vorden du er mit hjertes første kærlighed jeg elsker dig"},
	{"grieg-morgenstemning", "no", "grieg", "Morgenstemning", "Peer Gynt", op("46", "1"), "E major", "orchestra", "6/8", "Allegretto pastorale", 2, "", ""},
	{"grieg-sonata-13", "de", "grieg", "Sonate", "", op("13", ""), "G major", "violin and piano", "3/4", "Lento doloroso", 3, "", ""},
	{"grieg-troldhaugen", "de", "grieg", "Hochzeitstag auf Troldhaugen", "Lyrische Stücke", op("65", "6"), "D major", "piano", "4/4", "Tempo di Marcia", 3, "", ""},
	{"backer-serenade", "no", "backer", "Serenade", "", op("15", "1"), "F major", "piano", "3/4", "Allegretto", 1, "", ""},
	{"sinding-fruehlingsrauschen", "de", "sinding", "Frühlingsrauschen", "", op("32", "3"), "D-flat major", "piano", "4/4", "Agitato", 2, "", ""},
	{"halvorsen-bojarene", "no", "halvorsen", "Bojarenes inntogsmarsj", "", none, "G minor", "orchestra", "4/4", "Tempo di marcia", 2, "", ""},
	{"svendsen-romanse", "no", "svendsen", "Romanse", "", op("26", ""), "G major", "violin and piano", "3/4", "Andante", 2, "", ""},
	// French
	{"debussy-clair-de-lune", "fr", "debussy", "Clair de lune", "Suite bergamasque", none, "D-flat major", "piano", "9/8", "Andante très expressif", 3, "", ""},
	{"debussy-reverie", "fr", "debussy", "Rêverie", "", none, "F major", "piano", "4/4", "Andantino sans lenteur", 2, "", ""},
	{"debussy-beau-soir", "fr", "debussy", "Beau soir", "", none, "E major", "voice and piano", "12/8", "Andante", 1, "Paul Bourget", "Lorsque au soleil couchant les rivières sont roses et qu'un tiède frisson court sur les champs de blé"},
	{"faure-apres-un-reve", "fr", "faure", "Après un rêve", "", op("7", "1"), "C minor", "voice and piano", "3/4", "Andantino", 2, "Romain Bussine", "Dans un sommeil que charmait ton image je rêvais le bonheur ardent mirage"},
	{"faure-sicilienne", "fr", "faure", "Sicilienne", "", op("78", ""), "G minor", "cello and piano", "6/8", "Allegretto molto moderato", 2, "", ""},
	{"faure-pavane", "fr", "faure", "Pavane", "", op("50", ""), "F-sharp minor", "orchestra", "4/4", "Allegretto moderato", 2, "", ""},
	{"faure-fantaisie-79", "fr", "faure", "Fantaisie", "", op("79", ""), "E minor", "flute and piano", "4/4", "Andantino", 2, "", ""},
	{"saintsaens-cygne", "fr", "saintsaens", "Le Cygne", "Le Carnaval des animaux", none, "G major", "cello and piano", "6/8", "Andantino grazioso", 1, "", ""},
	{"saintsaens-danse-macabre", "fr", "saintsaens", "Danse macabre", "Poème symphonique", op("40", ""), "G minor", "orchestra", "3/4", "Mouvement modéré de Valse", 3, "", ""},
	{"satie-gymnopedie", "fr", "satie", "Première Gymnopédie", "", none, "D major", "piano", "3/4", "Lent et douloureux", 2, "", ""},
	{"chaminade-echarpes", "fr", "chaminade", "Pas des écharpes", "Callirhoë", op("37", "3"), "A-flat major", "piano", "3/4", "Allegretto", 2, "", ""},
	{"franck-panis", "fr", "franck", "Panis angelicus", "", none, "A major", "voice and piano", "3/4", "Lento", 2, "Thomas d'Aquin", "Panis angelicus fit panis hominum dat panis caelicus figuris terminum"},
	{"franck-prelude-18", "fr", "franck", "Prélude, Fugue et Variation", "", op("18", ""), "B minor", "organ", "3/4", "Andantino", 3, "", ""},
	{"bizet-habanera", "fr", "bizet", "Habanera", "Carmen", none, "D minor", "voice and piano", "2/4", "Allegretto quasi Andantino", 2, "Henri Meilhac et Ludovic Halévy", "L'amour est un oiseau rebelle que nul ne peut apprivoiser"},
	{"massenet-meditation", "fr", "massenet", "Méditation", "Thaïs", none, "D major", "violin and piano", "4/4", "Andante religioso", 2, "", ""},
	{"ravel-pavane", "fr", "ravel", "Pavane pour une infante défunte", "", none, "G major", "piano", "4/4", "Assez doux, mais d'une sonorité large", 2, "", ""},
	{"widor-toccata", "fr", "widor", "Toccata", "Symphonie pour orgue No. 5", op("42", "1"), "F major", "organ", "2/4", "Allegro", 3, "", ""},
	{"boellmann-gothique", "fr", "boellmann", "Suite gothique", "", op("25", ""), "C minor", "organ", "3/4", "Maestoso", 2, "", ""},
	// Italian
	{"tosti-ideale", "it", "tosti", "Ideale", "", none, "A-flat major", "voice and piano", "4/4", "Andantino", 2, "Carmelo Errico", "Io ti seguii come iride di pace lungo le vie del cielo"},
	{"bellini-vaga-luna", "it", "bellini", "Vaga luna, che inargenti", "", none, "A-flat major", "voice and piano", "3/4", "Andante sostenuto", 1, "", "Vaga luna che inargenti queste rive e questi fiori ed inspiri agli elementi il linguaggio dell'amor"},
	{"paganini-caprice-24", "it", "paganini", "Capriccio", "", op("1", "24"), "A minor", "violin", "2/4", "Tema. Quasi presto", 2, "", ""},
	{"scarlatti-sonata-380", "it", "scarlatti", "Sonata", "", cat("K", "380", ""), "E major", "piano", "3/4", "Andante comodo", 1, "", ""},
	{"corelli-folia", "it", "corelli", "Sonata", "La Folia", op("5", "12"), "D minor", "violin and piano", "3/4", "Adagio", 3, "", ""},
	{"clementi-sonatina-36-1", "it", "clementi", "Sonatina", "", op("36", "1"), "C major", "piano", "4/4", "Allegro", 1, "", ""},
	{"boccherini-minuetto", "it", "boccherini", "Minuetto", "", none, "A major", "string quartet", "3/4", "Tempo di Minuetto", 2, "", ""},
	{"pergolesi-stabat", "la", "pergolesi", "Stabat Mater", "", none, "F minor", "SATB choir", "4/4", "Grave", 2, "", "Stabat mater dolorosa juxta crucem lacrimosa dum pendebat filius"},
	{"palestrina-sicut-cervus", "la", "palestrina", "Sicut cervus", "", none, "F major", "SATB choir", "2/2", "Moderato", 2, "", "Sicut cervus desiderat ad fontes aquarum ita desiderat anima mea ad te Deus"},
	{"victoria-o-vos-omnes", "la", "victoria", "O vos omnes", "", none, "G minor", "SATB choir", "2/2", "Lento", 1, "", "O vos omnes qui transitis per viam attendite et videte si est dolor sicut dolor meus"},
	{"rossini-barbiere", "it", "rossini", "Il barbiere di Siviglia", "Sinfonia", none, "E major", "orchestra", "4/4", "Andante maestoso", 2, "", ""},
	{"giuliani-studio-48-5", "it", "giuliani", "Studio", "", op("48", "5"), "A minor", "guitar", "3/4", "Allegretto", 1, "", ""},
	// Spanish
	{"albeniz-asturias", "es", "albeniz", "Asturias", "Suite española", op("47", "5"), "G minor", "guitar", "3/4", "Allegro ma non troppo", 3, "", ""},
	{"albeniz-tango", "es", "albeniz", "Tango", "España", op("165", "2"), "D major", "piano", "2/4", "Andantino", 1, "", ""},
	{"granados-andaluza", "es", "granados", "Andaluza", "Danzas españolas", op("37", "5"), "E minor", "piano", "3/4", "Andantino quasi allegretto", 2, "", ""},
	{"tarrega-alhambra", "es", "tarrega", "Recuerdos de la Alhambra", "", none, "A minor", "guitar", "3/4", "Andante", 2, "", ""},
	{"tarrega-lagrima", "es", "tarrega", "Lágrima", "Preludio", none, "E major", "guitar", "3/4", "Andante", 1, "", ""},
	{"sor-estudio-35-22", "es", "sor", "Estudio", "", op("35", "22"), "B minor", "guitar", "2/4", "Andante", 1, "", ""},
	{"falla-fuego", "es", "falla", "Danza ritual del fuego", "El amor brujo", none, "D minor", "piano", "4/4", "Allegro ma non troppo e pesante", 3, "", ""},
	// English and Russian
	{"elgar-salut", "en", "elgar", "Salut d'amour", "", op("12", ""), "E major", "violin and piano", "2/4", "Andantino", 2, "", ""},
	{"elgar-chanson-de-matin", "en", "elgar", "Chanson de matin", "", op("15", "2"), "G major", "violin and piano", "2/4", "Allegretto", 2, "", ""},
	{"purcell-lament", "en", "purcell", "Dido's Lament", "When I am laid in earth", none, "G minor", "voice and piano", "3/4", "Larghetto", 2, "Nahum Tate", "When I am laid am laid in earth may my wrongs create no trouble no trouble in thy breast"},
	{"joplin-entertainer", "en", "joplin", "The Entertainer", "A Rag Time Two Step", none, "C major", "piano", "2/4", "Not fast", 2, "", ""},
	{"joplin-maple-leaf", "en", "joplin", "Maple Leaf Rag", "", none, "A-flat major", "piano", "2/4", "Tempo di marcia", 3, "", ""},
	{"field-nocturne-5", "en", "field", "Nocturne No. 5", "", none, "B-flat major", "piano", "12/8", "Cantabile", 1, "", ""},
	{"tallis-if-ye-love-me", "en", "tallis", "If ye love me", "", none, "F major", "SATB choir", "2/2", "Moderato", 1, "", "If ye love me keep my commandments and I will pray the Father and he shall give you another comforter"},
	{"tchaikovsky-chanson-triste", "fr", "tchaikovsky", "Chanson triste", "", op("40", "2"), "G minor", "piano", "4/4", "Allegro non troppo", 1, "", ""},
	{"tchaikovsky-andante-cantabile", "fr", "tchaikovsky", "Andante cantabile", "", op("11", ""), "B-flat major", "string quartet", "2/4", "Andante cantabile", 2, "", ""},
	{"rachmaninoff-prelude-3-2", "fr", "rachmaninoff", "Prélude", "", op("3", "2"), "C-sharp minor", "piano", "4/4", "Lento", 3, "", ""},
	{"mussorgsky-promenade", "fr", "mussorgsky", "Promenade", "Tableaux d'une exposition", none, "B-flat major", "piano", "4/4", "Allegro giusto", 1, "", ""},
	{"scriabin-etude-8-12", "fr", "scriabin", "Étude", "", op("8", "12"), "D-sharp minor", "piano", "4/4", "Patetico", 2, "", ""},
	// German and Austrian others
	{"czerny-299-1", "de", "czerny", "Die Schule der Geläufigkeit", "", op("299", "1"), "C major", "piano", "4/4", "Presto", 2, "", ""},
	{"weber-aufforderung", "de", "weber", "Aufforderung zum Tanz", "Rondo brillant", op("65", ""), "D-flat major", "piano", "3/4", "Moderato", 3, "", ""}, //nolint:misspell // French
	{"bruckner-locus-iste", "la", "bruckner", "Locus iste", "", none, "C major", "SATB choir", "4/4", "Allegro moderato", 1, "", "Locus iste a Deo factus est inaestimabile sacramentum irreprehensibilis est"},
	{"gluck-melodie", "de", "gluck", "Melodie", "Orpheus und Eurydike", none, "D minor", "flute and piano", "4/4", "Lento", 1, "", ""},
	{"buxtehude-praeludium", "de", "buxtehude", "Praeludium", "", none, "C major", "organ", "4/4", "Allegro", 2, "", ""},
}
