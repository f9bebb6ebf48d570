package metadata

// Composer is a composer as we show them, the names they appear under on title pages and
// in file names, and their style period.
//
// Variants are matched accent- and case-insensitively, as whole words. A variant without a
// space (a surname: "Chopin", "Rimsky-Korsakov") lets the surname alone name the composer;
// give one only to the composer that a bare surname means on a title page ("Bach" is Johann
// Sebastian, "Strauss" is nobody in particular). Initials and abbreviated or spelled-out given
// names before or after a surname ("F. Chopin", "Fr. Chopin", "Chopin, Frédéric") are checked
// against the given names in Name and the variants, so they need no variant of their own: a
// conflicting one ("C. P. E. Bach", "Leopold Mozart") names someone else.
type Composer struct {
	Name     string
	Variants []string
	Period   string
}

// Composers returns the composers the local provider recognises: those most found in
// public-domain libraries and on the scores musicians own, with the spellings of their names
// in the languages their scores were printed in (German, French, Czech, Polish and Russian
// transliterations, Cyrillic).
func Composers() []Composer {
	const (
		medieval      = "Medieval"
		renaissance   = "Renaissance"
		baroque       = "Baroque"
		classical     = "Classical"
		romantic      = "Romantic"
		lateRomantic  = "Late Romantic"
		impressionist = "Impressionist"
		modern        = "Modern"
		contemporary  = "Contemporary"
	)
	return []Composer{
		// Medieval and Renaissance
		{"Hildegard von Bingen", []string{"Hildegard of Bingen", "Hildegardis Bingensis"}, medieval},
		{"Guillaume de Machaut", []string{"Machaut"}, medieval},
		{"Josquin des Prez", []string{"Josquin Desprez", "Josquin", "Desprez"}, renaissance},
		{"Giovanni Pierluigi da Palestrina", []string{"Palestrina"}, renaissance},
		{"Orlande de Lassus", []string{"Orlando di Lasso", "Orlandus Lassus", "Lassus", "Lasso"}, renaissance},
		{"Thomas Tallis", []string{"Tallis"}, renaissance},
		{"William Byrd", []string{"Byrd"}, renaissance},
		{"John Dowland", []string{"Dowland"}, renaissance},
		{"Thomas Morley", []string{"Morley"}, renaissance},
		{"Orlando Gibbons", []string{"Gibbons"}, renaissance},
		{"Tomás Luis de Victoria", []string{"Tomas Luis de Victoria", "Thomas Ludovicus Victoria", "T. L. de Victoria"}, renaissance},
		{"Carlo Gesualdo", []string{"Gesualdo"}, renaissance},
		{"Hans Leo Hassler", []string{"Hans Leo Haßler", "Hassler"}, renaissance},
		{"Michael Praetorius", []string{"Praetorius"}, renaissance},
		{"Jan Pieterszoon Sweelinck", []string{"Sweelinck"}, renaissance},
		{"Claudio Monteverdi", []string{"Monteverdi"}, baroque},

		// Baroque
		{"Johann Sebastian Bach", []string{"J. S. Bach", "JS Bach", "Bach", "Иоганн Себастьян Бах", "Бах"}, baroque},
		{"Carl Philipp Emanuel Bach", []string{"C. P. E. Bach", "CPE Bach", "Karl Philipp Emanuel Bach"}, classical},
		{"Johann Christian Bach", []string{"J. C. Bach", "JC Bach"}, classical},
		{"Wilhelm Friedemann Bach", []string{"W. F. Bach", "WF Bach"}, baroque},
		{"George Frideric Handel", []string{"Georg Friedrich Händel", "Georg Friedrich Haendel", "George Frederick Handel", "Handel", "Händel", "Haendel", "Hændel"}, baroque},
		{"Antonio Vivaldi", []string{"Vivaldi"}, baroque},
		{"Domenico Scarlatti", []string{"Scarlatti"}, baroque},
		{"Alessandro Scarlatti", nil, baroque},
		{"Jean-Philippe Rameau", []string{"Rameau"}, baroque},
		{"François Couperin", []string{"François Couperin le Grand", "Couperin"}, baroque},
		{"Louis Couperin", nil, baroque},
		{"Henry Purcell", []string{"Purcell"}, baroque},
		{"Georg Philipp Telemann", []string{"Telemann"}, baroque},
		{"Arcangelo Corelli", []string{"Corelli"}, baroque},
		{"Dieterich Buxtehude", []string{"Dietrich Buxtehude", "Diderik Buxtehude", "Buxtehude"}, baroque},
		{"Johann Pachelbel", []string{"Pachelbel"}, baroque},
		{"Tomaso Albinoni", []string{"Tommaso Albinoni", "Albinoni"}, baroque},
		{"Giovanni Battista Pergolesi", []string{"Pergolesi"}, baroque},
		{"Jean-Baptiste Lully", []string{"Giovanni Battista Lulli", "Lully", "Lulli"}, baroque},
		{"Marc-Antoine Charpentier", []string{"Charpentier"}, baroque},
		{"Girolamo Frescobaldi", []string{"Frescobaldi"}, baroque},
		{"Johann Jakob Froberger", []string{"Johann Jacob Froberger", "Froberger"}, baroque},
		{"Christian Petzold", []string{"Petzold"}, baroque},
		{"Giuseppe Tartini", []string{"Tartini"}, baroque},
		{"Francesco Geminiani", []string{"Geminiani"}, baroque},
		{"Benedetto Marcello", []string{"Marcello"}, baroque},
		{"Alessandro Marcello", nil, baroque},
		{"Jean-Marie Leclair", []string{"Leclair"}, baroque},
		{"Johann Joachim Quantz", []string{"Quantz"}, baroque},
		{"Louis-Claude Daquin", []string{"Louis-Claude d'Aquin", "Daquin"}, baroque},
		{"Antonio Soler", []string{"Padre Antonio Soler"}, baroque},
		{"Johann Kuhnau", []string{"Kuhnau"}, baroque},
		{"Marin Marais", []string{"Marais"}, baroque},
		{"Sylvius Leopold Weiss", []string{"Silvius Leopold Weiss"}, baroque},
		{"Jan Dismas Zelenka", []string{"Johann Dismas Zelenka", "Zelenka"}, baroque},
		{"Heinrich Schütz", []string{"Heinrich Schuetz", "Henricus Sagittarius", "Schütz", "Schuetz"}, baroque},
		{"Alessandro Stradella", []string{"Stradella"}, baroque},
		{"Giulio Caccini", []string{"Caccini"}, baroque},
		{"Antonio Caldara", []string{"Caldara"}, baroque},
		{"Barbara Strozzi", []string{"Strozzi"}, baroque},
		{"Antonio Lotti", []string{"Lotti"}, baroque},
		{"Giovanni Battista Bononcini", []string{"Giovanni Bononcini", "Bononcini"}, baroque},
		{"Nicola Porpora", []string{"Nicola Antonio Porpora", "Porpora"}, baroque},
		{"Élisabeth Jacquet de La Guerre", []string{"Elisabeth Jacquet de La Guerre", "Jacquet de La Guerre"}, baroque},
		{"Johann Mattheson", []string{"Mattheson"}, baroque},
		{"Georg Böhm", []string{"Georg Boehm"}, baroque},

		// Classical
		{"Joseph Haydn", []string{"Franz Joseph Haydn", "Josef Haydn", "Haydn", "Йозеф Гайдн", "Гайдн"}, classical},
		{"Michael Haydn", []string{"Johann Michael Haydn"}, classical},
		{"Wolfgang Amadeus Mozart", []string{"Wolfgang Amadé Mozart", "Johann Chrysostomus Wolfgang Theophilus Mozart", "Mozart", "Вольфганг Амадей Моцарт", "Моцарт"}, classical},
		{"Leopold Mozart", nil, classical},
		{"Muzio Clementi", []string{"Clementi"}, classical},
		{"Ludwig van Beethoven", []string{"Louis van Beethoven", "Beethoven", "Людвиг ван Бетховен", "Бетховен"}, classical},
		{"Christoph Willibald Gluck", []string{"Christoph Willibald von Gluck", "Gluck"}, classical},
		{"Luigi Boccherini", []string{"Boccherini"}, classical},
		{"Antonio Salieri", []string{"Salieri"}, classical},
		{"Johann Nepomuk Hummel", []string{"Jan Nepomuk Hummel", "Hummel"}, classical},
		{"Jan Ladislav Dussek", []string{"Jan Ladislav Dusík", "Johann Ladislaus Dussek", "Dussek", "Dusík"}, classical},
		{"Daniel Gottlob Türk", []string{"Daniel Gottlob Tuerk"}, classical},
		{"Friedrich Kuhlau", []string{"Frederik Kuhlau", "Kuhlau"}, classical},
		{"Anton Diabelli", []string{"Antonio Diabelli", "Diabelli"}, classical},
		{"Ignaz Pleyel", []string{"Ignace Pleyel", "Ignaz Joseph Pleyel", "Pleyel"}, classical},
		{"Carl Stamitz", []string{"Karl Stamitz"}, classical},
		{"Johann Baptist Wanhal", []string{"Johann Baptist Vanhal", "Jan Křtitel Vaňhal", "Vanhal", "Vaňhal", "Wanhal"}, classical},
		{"Josef Mysliveček", []string{"Joseph Myslivecek", "Mysliveček"}, classical},
		{"Carl Ditters von Dittersdorf", []string{"Karl Ditters von Dittersdorf", "Dittersdorf"}, classical},
		{"Giovanni Paisiello", []string{"Paisiello"}, classical},
		{"Domenico Cimarosa", []string{"Cimarosa"}, classical},
		{"Luigi Cherubini", []string{"Cherubini"}, classical},
		{"Anton Reicha", []string{"Antonín Rejcha", "Antoine Reicha", "Reicha", "Rejcha"}, classical},
		{"Fernando Sor", []string{"Ferdinand Sor", "Josep Ferran Sorts"}, classical},
		{"Mauro Giuliani", []string{"Giuliani"}, classical},
		{"Ferdinando Carulli", []string{"Carulli"}, classical},
		{"Matteo Carcassi", []string{"Carcassi"}, classical},
		{"Dionisio Aguado", []string{"Dionisio Aguado y García", "Aguado"}, classical},
		{"Ferdinand Ries", []string{"Ries"}, classical},
		{"Daniel Steibelt", []string{"Steibelt"}, classical},
		{"Johann Baptist Cramer", []string{"John Baptist Cramer"}, classical},
		{"John Field", nil, romantic},

		// Romantic
		{"Franz Schubert", []string{"Franz Peter Schubert", "Schubert", "Франц Шуберт", "Шуберт"}, romantic},
		{"Carl Czerny", []string{"Karl Czerny", "Czerny", "Черни"}, romantic},
		{"Carl Maria von Weber", []string{"Karl Maria von Weber", "Weber"}, romantic},
		{"Louis Spohr", []string{"Ludwig Spohr", "Spohr"}, romantic},
		{"Felix Mendelssohn", []string{"Felix Mendelssohn Bartholdy", "Jakob Ludwig Felix Mendelssohn Bartholdy", "Mendelssohn", "Mendelssohn-Bartholdy", "Мендельсон"}, romantic},
		{"Fanny Mendelssohn", []string{"Fanny Hensel", "Fanny Mendelssohn Hensel", "Fanny Cäcilie Mendelssohn", "Hensel"}, romantic},
		{"Frédéric Chopin", []string{"Fryderyk Chopin", "Frederic Chopin", "Frederick Chopin", "Fryderyk Franciszek Chopin", "Frédéric François Chopin", "Friedrich Chopin", "Chopin", "Фридерик Шопен", "Фредерик Шопен", "Шопен"}, romantic},
		{"Robert Schumann", []string{"Robert Alexander Schumann", "Schumann", "Роберт Шуман", "Шуман"}, romantic},
		{"Clara Schumann", []string{"Clara Wieck", "Clara Wieck-Schumann", "Clara Josephine Wieck", "C. Schumann"}, romantic},
		{"Franz Liszt", []string{"Ferenc Liszt", "Liszt Ferenc", "François Liszt", "Liszt", "Ференц Лист"}, romantic},
		{"Johannes Brahms", []string{"Brahms", "Иоганнес Брамс", "Брамс"}, romantic},
		{"Hector Berlioz", []string{"Louis-Hector Berlioz", "Berlioz"}, romantic},
		{"Gioachino Rossini", []string{"Gioacchino Rossini", "Gioachino Antonio Rossini", "Rossini"}, romantic},
		{"Vincenzo Bellini", []string{"Bellini"}, romantic},
		{"Gaetano Donizetti", []string{"Donizetti"}, romantic},
		{"Giuseppe Verdi", []string{"Verdi", "Джузеппе Верди"}, romantic},
		{"Richard Wagner", []string{"Wilhelm Richard Wagner", "Wagner", "Рихард Вагнер"}, romantic},
		{"Niccolò Paganini", []string{"Nicolo Paganini", "Paganini"}, romantic},
		{"Pyotr Ilyich Tchaikovsky", []string{"Peter Iljitsch Tschaikowsky", "Pjotr Iljitsch Tschaikowski", "Piotr Ilitch Tchaïkovski", "Pierre Tchaïkovsky", "Petr Iljič Čajkovskij", "Piotr Czajkowski", "Peter Tchaikovsky", "Pjotr Tschaikowsky", "Tschaikowsky", "Tschaikowski", "Tchaikovsky", "Tchaikowsky", "Tchaïkovski", "Tschaikovsky", "Chaikovsky", "Čajkovskij", "Czajkowski", "Пётр Ильич Чайковский", "Чайковский"}, romantic},
		{"Antonín Dvořák", []string{"Anton Dvořák", "Antonin Dvorak", "Antonín Leopold Dvořák", "Dvořák", "Dvorák", "Dvorschak", "Антонин Дворжак", "Дворжак"}, romantic},
		{"Bedřich Smetana", []string{"Friedrich Smetana", "Frédéric Smetana", "Smetana", "Бедржих Сметана"}, romantic},
		{"Zdeněk Fibich", []string{"Fibich"}, romantic},
		{"Edvard Grieg", []string{"Edvard Hagerup Grieg", "Edward Grieg", "Grieg", "Эдвард Григ", "Григ"}, romantic},
		{"Camille Saint-Saëns", []string{"Charles-Camille Saint-Saëns", "Saint-Saëns", "Saint-Saens", "Сен-Санс"}, romantic},
		{"Gabriel Fauré", []string{"Gabriel Urbain Fauré", "Fauré"}, romantic},
		{"César Franck", []string{"César-Auguste Franck", "Cesar Franck", "Franck"}, romantic},
		{"Georges Bizet", []string{"Alexandre César Léopold Bizet", "Bizet", "Жорж Бизе"}, romantic},
		{"Charles Gounod", []string{"Charles-François Gounod", "Gounod"}, romantic},
		{"Jules Massenet", []string{"Massenet"}, romantic},
		{"Léo Delibes", []string{"Clément Philibert Léo Delibes", "Delibes"}, romantic},
		{"Édouard Lalo", []string{"Eduard Lalo", "Lalo"}, romantic},
		{"Emmanuel Chabrier", []string{"Chabrier"}, romantic},
		{"Cécile Chaminade", []string{"Cécile Louise Stéphanie Chaminade", "Chaminade"}, romantic},
		{"Benjamin Godard", []string{"Godard"}, romantic},
		{"Charles-Marie Widor", []string{"Charles Marie Widor", "Widor"}, romantic},
		{"Alexandre Guilmant", []string{"Félix-Alexandre Guilmant", "Guilmant"}, romantic},
		{"Jacques Offenbach", []string{"Offenbach"}, romantic},
		{"Franz von Suppé", []string{"Suppé"}, romantic},
		{"Émile Waldteufel", []string{"Emil Waldteufel", "Waldteufel"}, romantic},
		{"Johann Strauss II", []string{"Johann Strauss Sohn", "Johann Strauss Jr.", "Johann Baptist Strauss", "Johann Strauss", "Иоганн Штраус"}, romantic},
		{"Josef Strauss", nil, romantic},
		{"Mikhail Glinka", []string{"Michail Glinka", "Michail Iwanowitsch Glinka", "Mikhail Ivanovich Glinka", "Glinka", "Михаил Глинка", "Глинка"}, romantic},
		{"Alexander Borodin", []string{"Alexandre Borodine", "Aleksandr Borodin", "Alexandr Borodin", "Borodin", "Borodine", "Александр Бородин", "Бородин"}, romantic},
		{"César Cui", []string{"Cesar Cui", "Zezar Cui", "Цезарь Кюи"}, romantic},
		{"Mily Balakirev", []string{"Mili Balakirew", "Mily Balakireff", "Balakirev", "Balakirew", "Balakireff", "Милий Балакирев", "Балакирев"}, romantic},
		{"Modest Mussorgsky", []string{"Modest Moussorgsky", "Modest Mussorgski", "Modest Petrovič Musorgskij", "Modeste Moussorgski", "Mussorgsky", "Moussorgsky", "Mussorgski", "Moussorgski", "Musorgskij", "Musorgsky", "Модест Мусоргский", "Мусоргский"}, romantic},
		{"Nikolai Rimsky-Korsakov", []string{"Nikolai Rimski-Korsakow", "Nicolas Rimsky-Korsakoff", "Nikolaj Rimskij-Korsakov", "Rimsky-Korsakov", "Rimski-Korsakow", "Rimsky-Korsakoff", "Rimskij-Korsakov", "Римский-Корсаков"}, romantic},
		{"Anton Rubinstein", []string{"Anton Grigorjewitsch Rubinstein", "Rubinstein", "Антон Рубинштейн"}, romantic},
		{"Anatoly Lyadov", []string{"Anatol Liadow", "Anatoli Liadov", "Anatole Liadoff", "Lyadov", "Liadov", "Ljadow", "Liadow", "Анатолий Лядов", "Лядов"}, lateRomantic},
		{"Anton Arensky", []string{"Anton Arenski", "Arensky", "Arenski", "Антон Аренский", "Аренский"}, lateRomantic},
		{"Alexander Glazunov", []string{"Alexander Glasunow", "Alexandre Glazounov", "Glazunov", "Glasunow", "Glazounov", "Александр Глазунов", "Глазунов"}, lateRomantic},
		{"Sergei Taneyev", []string{"Sergej Tanejew", "Taneyev", "Tanejew", "Сергей Танеев", "Танеев"}, lateRomantic},
		{"Alexander Gretchaninov", []string{"Alexander Gretschaninow", "Alexandre Gretchaninoff", "Gretchaninov", "Gretschaninow", "Gretchaninoff", "Grechaninov", "Гречанинов"}, lateRomantic},
		{"Reinhold Glière", []string{"Reinhold Gliere", "Reingold Glier", "Glière", "Глиэр"}, lateRomantic},
		{"Anton Bruckner", []string{"Bruckner"}, romantic},
		{"Max Bruch", []string{"Bruch"}, romantic},
		{"Carl Reinecke", []string{"Reinecke"}, romantic},
		{"Joachim Raff", []string{"Raff"}, romantic},
		{"Carl Loewe", []string{"Johann Carl Gottfried Loewe", "Loewe"}, romantic},
		{"Albert Lortzing", []string{"Lortzing"}, romantic},
		{"Friedrich Silcher", []string{"Silcher"}, romantic},
		{"Engelbert Humperdinck", []string{"Humperdinck"}, romantic},
		{"Hugo Wolf", nil, lateRomantic},
		{"Josef Rheinberger", []string{"Joseph Rheinberger", "Joseph Gabriel Rheinberger", "Rheinberger"}, romantic},
		{"Friedrich Burgmüller", []string{"Johann Friedrich Franz Burgmüller", "Frédéric Burgmüller", "Burgmüller", "Burgmueller"}, romantic},
		{"Cornelius Gurlitt", []string{"Gurlitt"}, romantic},
		{"Stephen Heller", []string{"Stephan Heller"}, romantic},
		{"Henri Bertini", []string{"Henri Jérôme Bertini", "Bertini"}, romantic},
		{"Theodor Kullak", []string{"Kullak"}, romantic},
		{"Albert Loeschhorn", []string{"Albert Löschhorn", "Loeschhorn", "Löschhorn"}, romantic},
		{"Jean-Baptiste Duvernoy", []string{"Duvernoy"}, romantic},
		{"Hermann Berens", []string{"Berens"}, romantic},
		{"Ludvig Schytte", []string{"Ludwig Schytte", "Schytte"}, romantic},
		{"Louis Köhler", []string{"Louis Koehler"}, romantic},
		{"Moritz Moszkowski", []string{"Maurycy Moszkowski", "Moritz Moszkowsky", "Moszkowski", "Moszkowsky"}, romantic},
		{"Ignacy Jan Paderewski", []string{"Ignace Jan Paderewski", "Ignaz Paderewski", "Paderewski"}, lateRomantic},
		{"Xaver Scharwenka", []string{"Franz Xaver Scharwenka", "Scharwenka"}, romantic},
		{"Stanisław Moniuszko", []string{"Stanislaw Moniuszko", "Moniuszko"}, romantic},
		{"Henryk Wieniawski", []string{"Henri Wieniawski", "Wieniawski"}, romantic},
		{"Pablo de Sarasate", []string{"Pablo Sarasate", "Sarasate"}, romantic},
		{"Charles de Bériot", []string{"Charles Auguste de Bériot", "Bériot"}, romantic},
		{"Henri Vieuxtemps", []string{"Vieuxtemps"}, romantic},
		{"Rodolphe Kreutzer", []string{"Kreutzer"}, classical},
		{"Jacques Féréol Mazas", []string{"Jacques-Féréol Mazas", "Mazas"}, romantic},
		{"Oskar Rieding", []string{"Rieding"}, romantic},
		{"Friedrich Seitz", nil, romantic},
		{"David Popper", []string{"Popper"}, romantic},
		{"Niels Gade", []string{"Niels Wilhelm Gade", "Gade"}, romantic},
		{"Halfdan Kjerulf", []string{"Kjerulf"}, romantic},
		{"Johan Svendsen", []string{"Johan Severin Svendsen", "Svendsen"}, romantic},
		{"Christian Sinding", []string{"Sinding"}, lateRomantic},
		{"Franz Berwald", []string{"Berwald"}, romantic},
		{"Isaac Albéniz", []string{"Isaac Manuel Francisco Albéniz", "Albéniz"}, romantic},
		{"Enrique Granados", []string{"Enric Granados", "Granados"}, romantic},
		{"Francisco Tárrega", []string{"Francisco Tárrega Eixea", "Tárrega"}, romantic},
		{"Johann Kaspar Mertz", []string{"Johann Caspar Mertz", "Mertz"}, romantic},
		{"Napoléon Coste", []string{"Napoleon Coste"}, romantic},
		{"Louis Moreau Gottschalk", []string{"Gottschalk"}, romantic},
		{"Edward MacDowell", []string{"Edward Alexander MacDowell", "MacDowell"}, lateRomantic},
		{"Amy Beach", []string{"Amy Marcy Beach", "Mrs. H. H. A. Beach"}, lateRomantic},
		{"Stephen Foster", []string{"Stephen Collins Foster"}, romantic},
		{"John Philip Sousa", []string{"Sousa"}, romantic},
		{"Arthur Sullivan", []string{"Arthur Seymour Sullivan"}, romantic},
		{"Francesco Paolo Tosti", []string{"Paolo Tosti", "Tosti"}, romantic},
		{"Giuseppe Giordani", []string{"Giordani"}, classical},
		{"Tommaso Giordani", nil, classical},
		{"Maria Theresia von Paradis", []string{"Maria Theresia Paradis", "Maria Theresia Paradies"}, classical},

		// Late Romantic
		{"Gustav Mahler", []string{"Mahler", "Густав Малер"}, lateRomantic},
		{"Richard Strauss", []string{"Richard Georg Strauss"}, lateRomantic},
		{"Max Reger", []string{"Johann Baptist Joseph Maximilian Reger", "Reger"}, lateRomantic},
		{"Hugo Alfvén", nil, lateRomantic},
		{"Ferruccio Busoni", []string{"Ferruccio Dante Michelangelo Benvenuto Busoni", "Busoni"}, lateRomantic},
		{"Giacomo Puccini", []string{"Puccini"}, lateRomantic},
		{"Pietro Mascagni", []string{"Mascagni"}, lateRomantic},
		{"Ruggero Leoncavallo", []string{"Leoncavallo"}, lateRomantic},
		{"Edward Elgar", []string{"Sir Edward Elgar", "Elgar"}, lateRomantic},
		{"Charles Villiers Stanford", nil, lateRomantic},
		{"Hubert Parry", []string{"Charles Hubert Hastings Parry"}, lateRomantic},
		{"Frederick Delius", []string{"Fritz Delius", "Delius"}, lateRomantic},
		{"Samuel Coleridge-Taylor", []string{"Coleridge-Taylor"}, lateRomantic},
		{"Ernest Chausson", []string{"Amédée-Ernest Chausson", "Chausson"}, lateRomantic},
		{"Henri Duparc", []string{"Duparc"}, lateRomantic},
		{"Reynaldo Hahn", nil, lateRomantic},
		{"Vincent d'Indy", []string{"Paul Marie Théodore Vincent d'Indy", "d'Indy"}, lateRomantic},
		{"Louis Vierne", []string{"Vierne"}, lateRomantic},
		{"Marcel Dupré", []string{"Dupré"}, modern},
		{"Jean Sibelius", []string{"Johan Julius Christian Sibelius", "Sibelius", "Ян Сибелиус"}, lateRomantic},
		{"Carl Nielsen", []string{"Carl August Nielsen", "Nielsen"}, lateRomantic},
		{"Wilhelm Stenhammar", []string{"Stenhammar"}, lateRomantic},
		{"Sergei Rachmaninoff", []string{"Sergei Rachmaninov", "Sergej Rachmaninow", "Serge Rachmaninoff", "Sergej Rachmaninov", "Sergei Vasilyevich Rachmaninoff", "Rachmaninoff", "Rachmaninov", "Rachmaninow", "Rakhmaninov", "Rachmaninof", "Сергей Рахманинов", "Рахманинов"}, lateRomantic},
		{"Alexander Scriabin", []string{"Alexandre Scriabine", "Alexander Skrjabin", "Aleksandr Skrjabin", "Alexander Skriabin", "Scriabin", "Scriabine", "Skrjabin", "Skriabin", "Александр Скрябин", "Скрябин"}, lateRomantic},
		{"Nikolai Medtner", []string{"Nikolai Metner", "Nicolas Medtner", "Medtner", "Николай Метнер", "Метнер"}, lateRomantic},

		// Impressionist and Modern
		{"Claude Debussy", []string{"Achille-Claude Debussy", "Claude-Achille Debussy", "Debussy", "Клод Дебюсси"}, impressionist},
		{"Maurice Ravel", []string{"Joseph-Maurice Ravel", "Ravel"}, impressionist},
		{"Paul Dukas", []string{"Dukas"}, impressionist},
		{"Albert Roussel", []string{"Roussel"}, impressionist},
		{"Gabriel Pierné", []string{"Pierné"}, impressionist},
		{"Lili Boulanger", []string{"Marie-Juliette Olga Boulanger"}, impressionist},
		{"Nadia Boulanger", nil, modern},
		{"Charles Koechlin", []string{"Koechlin"}, impressionist},
		{"Ottorino Respighi", []string{"Respighi"}, impressionist},
		{"Erik Satie", []string{"Éric Satie", "Eric Satie", "Erik Alfred Leslie Satie", "Satie"}, modern},
		{"Manuel de Falla", []string{"Manuel de Falla y Matheu", "Falla"}, modern},
		{"Joaquín Turina", []string{"Joaquin Turina", "Turina"}, modern},
		{"Federico Mompou", []string{"Frederic Mompou", "Mompou"}, modern},
		{"Joaquín Rodrigo", []string{"Joaquin Rodrigo"}, modern},
		{"Miguel Llobet", []string{"Llobet"}, modern},
		{"Emilio Pujol", []string{"Emili Pujol"}, modern},
		{"Agustín Barrios Mangoré", []string{"Agustín Barrios", "Agustin Barrios", "Barrios Mangoré", "Mangoré"}, modern},
		{"Manuel Ponce", []string{"Manuel María Ponce"}, modern},
		{"Antonio Lauro", nil, modern},
		{"Heitor Villa-Lobos", []string{"Villa-Lobos"}, modern},
		{"Alberto Ginastera", []string{"Ginastera"}, modern},
		{"Ernesto Lecuona", []string{"Lecuona"}, modern},
		{"Ernesto Nazareth", nil, modern},
		{"Astor Piazzolla", []string{"Piazzolla"}, contemporary},
		{"Leoš Janáček", []string{"Leos Janacek", "Janáček", "Janacek", "Леош Яначек"}, modern},
		{"Bohuslav Martinů", []string{"Bohuslav Martinu", "Martinů"}, modern},
		{"Josef Suk", nil, lateRomantic},
		{"Vítězslav Novák", []string{"Vitezslav Novak"}, lateRomantic},
		{"Béla Bartók", []string{"Bela Bartok", "Bartók Béla", "Bartók", "Bartok", "Бела Барток"}, modern},
		{"Zoltán Kodály", []string{"Zoltan Kodaly", "Kodály"}, modern},
		{"Ernő Dohnányi", []string{"Ernst von Dohnányi", "Ernst von Dohnanyi", "Dohnányi"}, lateRomantic},
		{"Karol Szymanowski", []string{"Szymanowski"}, modern},
		{"Sergei Prokofiev", []string{"Sergej Prokofjew", "Serge Prokofieff", "Sergei Prokofieff", "Prokofiev", "Prokofjew", "Prokofieff", "Prokofjev", "Сергей Прокофьев", "Прокофьев"}, modern},
		{"Dmitri Shostakovich", []string{"Dmitri Schostakowitsch", "Dmitri Chostakovitch", "Dmitrij Šostakovič", "Shostakovich", "Schostakowitsch", "Chostakovitch", "Šostakovič", "Дмитрий Шостакович", "Шостакович"}, modern},
		{"Igor Stravinsky", []string{"Igor Strawinsky", "Igor Strawinski", "Igor Stravinskij", "Strawinsky", "Stravinsky", "Strawinski", "Игорь Стравинский", "Стравинский"}, modern},
		{"Aram Khachaturian", []string{"Aram Chatschaturjan", "Aram Khatchaturian", "Khachaturian", "Chatschaturjan", "Khatchaturian", "Арам Хачатурян", "Хачатурян"}, modern},
		{"Dmitry Kabalevsky", []string{"Dmitri Kabalewski", "Dmitri Kabalevsky", "Kabalevsky", "Kabalewski", "Дмитрий Кабалевский", "Кабалевский"}, modern},
		{"Arnold Schoenberg", []string{"Arnold Schönberg", "Schoenberg", "Schönberg"}, modern},
		{"Alban Berg", nil, modern},
		{"Anton Webern", []string{"Anton von Webern", "Webern"}, modern},
		{"Paul Hindemith", []string{"Hindemith"}, modern},
		{"Kurt Weill", []string{"Weill"}, modern},
		{"Carl Orff", []string{"Orff"}, modern},
		{"Francis Poulenc", []string{"Poulenc"}, modern},
		{"Darius Milhaud", []string{"Milhaud"}, modern},
		{"Arthur Honegger", []string{"Honegger"}, modern},
		{"Jacques Ibert", []string{"Ibert"}, modern},
		{"Ermanno Wolf-Ferrari", []string{"Wolf-Ferrari"}, modern},
		{"Mario Castelnuovo-Tedesco", []string{"Castelnuovo-Tedesco"}, modern},
		{"Gustav Holst", []string{"Gustavus Theodore von Holst", "Holst"}, modern},
		{"Ralph Vaughan Williams", []string{"Vaughan Williams"}, modern},
		{"Percy Grainger", []string{"Percy Aldridge Grainger", "Grainger"}, modern},
		{"Charles Ives", []string{"Charles Edward Ives", "Ives"}, modern},
		{"George Gershwin", []string{"Gershwin"}, modern},
		{"Scott Joplin", []string{"Joplin"}, modern},
		{"Aaron Copland", []string{"Copland"}, modern},
		{"Samuel Barber", nil, modern},
		{"Benjamin Britten", []string{"Britten"}, modern},
		{"Olivier Messiaen", []string{"Messiaen"}, modern},
		{"Arvo Pärt", []string{"Arvo Part"}, contemporary},
		{"Philip Glass", nil, contemporary},
		{"Ludovico Einaudi", []string{"Einaudi"}, contemporary},
		{"Yann Tiersen", []string{"Tiersen"}, contemporary},
		{"Ennio Morricone", []string{"Morricone"}, contemporary},
		{"Joe Hisaishi", []string{"Hisaishi"}, contemporary},
	}
}

// givenNames are first names common on title pages (folded), to tell a person's name from
// other words: "Christian Petzold" is a name line, "Trois Nocturnes" is not; and a given
// name that is not a composer's own ("Leopold Mozart") names someone else.
var givenNames = wordSet(`
aaron adolf adolph adolphe agathe agustin alban albert alberto albrecht aleksandr aleksei alessandro alexander alexandr
alexandre alexei alexey alfred alfredo alice alma amadeus amalie amedee amy anatol anatole anatoli anatoly andre andrea
andreas andrew andrzej angelo anna anne antoine anton antonin antonio antoni antonin aram archangelo arcangelo arnold
arrigo arthur arturo arvo astor august auguste augusto barbara bartholomew battista bedrich bela benedetto benjamin
bernard bernardo bernhard bohuslav boris bruno camille carl carlo carlos caspar cecile cesar charles christian
christoph christophe christopher claude claudio clara clement constantin cornelius cristobal cristoforo daniel darius
david dieterich dietrich dionisio dmitri dmitrij dmitry domenico edmund edouard eduard eduardo edvard edward elisabeth
elizabeth emanuel emil emile emilio emmanuel engelbert enric enrico enrique eric erik erno ernest ernesto ernst ethel
eugen eugene eugenio fanny federico felipe felix ferdinand ferdinando ferenc fernando ferruccio filippo francesco
francis francisco franciszek francois frank frantisek franz fred frederic frederick frederik friedrich fritz fryderyk
gabriel gaetano gaspar georg george georges gerhard giacomo gian giorgio giovanni girolamo giulio giuseppe gottfried
gottlieb gregor gustav gustave gustavo gyorgy gyula hanns hans harald heinrich heinz heitor helmut henri henry henryk
herbert hermann hieronymus hubert hugo ignace ignacio ignacy ignaz igor imre isaac isidor istvan ivan jacob jacopo jacques
jakob james jan janos jaroslav jean jeno jens jerome jiri joachim joan joaquin johan johann johanna johannes john
jorge josef josep joseph josquin juan jules julio julius karel karl karol kaspar katharina konstantin kurt ladislav
laszlo leo leonard leonardo leopold leos lili lorenzo lothar louis louise luca ludovico ludvig ludwig luigi luis lukas
manuel marc marcel marco margaret maria marie marin mario mark martin mary mathias matteo matthias maurice maurycy max
maximilian michael michail michal michel michele miguel mikhail mily milij modest moritz muzio nadia napoleon niccolo
nicola nicolai nicolas nicolo niels nikolai nikolaj nikolaus nikolay nils norbert olivier orlande orlando oskar oscar
otto ottorino pablo paolo pau paul paula pavel percy peter petr philip philipp philippe pierluigi pierre pietro piotr
pjotr pyotr rafael raffaele ralph reinhard reinhold rene reynaldo ricardo riccardo richard robert roberto rodolphe
roger rudolf rudolph ruggero samuel sandor scott sebastian serge sergei sergej sergey sergio sigismund silvius simon
sophie stanislaw stefan stefano stephan stephen sylvius teresa theodor theodore therese theresia thomas tomas tomaso
tommaso ulrich umberto valentin vasily vincent vincenzo vitezslav vladimir walter werner wilhelm willem william
wladimir wolfgang xaver yann yuri zdenek zoltan
`)

// nameParticles join given names to surnames ("Ludwig van Beethoven", "Manuel de Falla").
var nameParticles = wordSet(`von van v vom zu de del della degli di da dalla du des la le d y ten ter den der dos das`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range splitFields(s) {
		m[w] = true
	}
	return m
}
