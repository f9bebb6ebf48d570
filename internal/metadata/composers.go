package metadata

// Composer is a composer as we show them, the names they appear under on title pages and
// in file names, and their style period.
type Composer struct {
	Name     string
	Variants []string // besides Name; matched accent- and case-insensitively, as whole words
	Period   string
}

// Composers returns the composers the local provider recognises.
func Composers() []Composer {
	return []Composer{
		{"Johann Sebastian Bach", []string{"J. S. Bach", "J.S. Bach", "JS Bach", "Bach"}, "Baroque"},
		{"George Frideric Handel", []string{"Georg Friedrich Händel", "G. F. Handel", "Handel", "Händel"}, "Baroque"},
		{"Antonio Vivaldi", []string{"Vivaldi"}, "Baroque"},
		{"Domenico Scarlatti", []string{"D. Scarlatti", "Scarlatti"}, "Baroque"},
		{"Jean-Philippe Rameau", []string{"Rameau"}, "Baroque"},
		{"François Couperin", []string{"Couperin"}, "Baroque"},
		{"Henry Purcell", []string{"Purcell"}, "Baroque"},
		{"Georg Philipp Telemann", []string{"Telemann"}, "Baroque"},
		{"Arcangelo Corelli", []string{"Corelli"}, "Baroque"},
		{"Joseph Haydn", []string{"Franz Joseph Haydn", "J. Haydn", "Haydn"}, "Classical"},
		{"Wolfgang Amadeus Mozart", []string{"W. A. Mozart", "W.A. Mozart", "Mozart"}, "Classical"},
		{"Muzio Clementi", []string{"Clementi"}, "Classical"},
		{"Ludwig van Beethoven", []string{"L. van Beethoven", "L. v. Beethoven", "Beethoven"}, "Classical"},
		{"Franz Schubert", []string{"F. Schubert", "Schubert"}, "Romantic"},
		{"Carl Czerny", []string{"Czerny"}, "Romantic"},
		{"Felix Mendelssohn", []string{"Felix Mendelssohn Bartholdy", "Mendelssohn"}, "Romantic"},
		{"Frédéric Chopin", []string{"Fryderyk Chopin", "F. Chopin", "Chopin"}, "Romantic"},
		{"Robert Schumann", []string{"R. Schumann", "Schumann"}, "Romantic"},
		{"Clara Schumann", []string{"Clara Wieck", "C. Schumann"}, "Romantic"},
		{"Franz Liszt", []string{"Ferenc Liszt", "F. Liszt", "Liszt"}, "Romantic"},
		{"Johannes Brahms", []string{"J. Brahms", "Brahms"}, "Romantic"},
		{"Pyotr Ilyich Tchaikovsky", []string{"Peter Tschaikowsky", "Tschaikowsky", "Tchaikovsky", "Čajkovskij"}, "Romantic"},
		{"Antonín Dvořák", []string{"Antonin Dvorak", "A. Dvořák", "Dvořák"}, "Romantic"},
		{"Edvard Grieg", []string{"E. Grieg", "Grieg"}, "Romantic"},
		{"Camille Saint-Saëns", []string{"Saint-Saëns", "Saint-Saens"}, "Romantic"},
		{"Gabriel Fauré", []string{"Fauré", "Faure"}, "Romantic"},
		{"Giuseppe Verdi", []string{"Verdi"}, "Romantic"},
		{"Richard Wagner", []string{"Wagner"}, "Romantic"},
		{"Niccolò Paganini", []string{"Paganini"}, "Romantic"},
		{"Modest Mussorgsky", []string{"Mussorgsky", "Moussorgsky"}, "Romantic"},
		{"Nikolai Rimsky-Korsakov", []string{"Rimsky-Korsakov"}, "Romantic"},
		{"Isaac Albéniz", []string{"Albéniz", "Albeniz"}, "Romantic"},
		{"Enrique Granados", []string{"Granados"}, "Romantic"},
		{"Gustav Mahler", []string{"Mahler"}, "Late Romantic"},
		{"Sergei Rachmaninoff", []string{"Sergei Rachmaninov", "S. Rachmaninoff", "Rachmaninoff", "Rachmaninov", "Rachmaninow"}, "Late Romantic"},
		{"Alexander Scriabin", []string{"Alexander Skrjabin", "Scriabin", "Skrjabin"}, "Late Romantic"},
		{"Claude Debussy", []string{"C. Debussy", "Debussy"}, "Impressionist"},
		{"Maurice Ravel", []string{"M. Ravel", "Ravel"}, "Impressionist"},
		{"Erik Satie", []string{"Satie"}, "Modern"},
		{"Béla Bartók", []string{"Bela Bartok", "B. Bartók", "Bartók", "Bartok"}, "Modern"},
		{"Sergei Prokofiev", []string{"Sergej Prokofjew", "Prokofiev", "Prokofjew"}, "Modern"},
		{"Dmitri Shostakovich", []string{"Dmitri Schostakowitsch", "Shostakovich", "Schostakowitsch"}, "Modern"},
		{"Igor Stravinsky", []string{"Strawinsky", "Stravinsky"}, "Modern"},
		{"George Gershwin", []string{"Gershwin"}, "Modern"},
		{"Scott Joplin", []string{"Joplin"}, "Modern"},
		{"Heitor Villa-Lobos", []string{"Villa-Lobos"}, "Modern"},
		{"Francisco Tárrega", []string{"Tárrega", "Tarrega"}, "Romantic"},
		{"Fernando Sor", []string{"F. Sor"}, "Classical"},
		{"Mauro Giuliani", []string{"Giuliani"}, "Classical"},
		{"Arvo Pärt", []string{"Arvo Part", "Pärt"}, "Contemporary"},
		{"Philip Glass", []string{"P. Glass"}, "Contemporary"},
	}
}
