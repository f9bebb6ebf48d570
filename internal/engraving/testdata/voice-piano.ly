\version "2.24.0"
% A song: a named voice with words over the piano, two flats, G minor.
\header { title = "Abendlied" composer = "Test" tagline = ##f }
\score {
  <<
    \new Staff \with { instrumentName = "Singstimme" } {
      \key g \minor \time 3/4
      d''4 bes' g' | fis'2 g'4 | a'4 bes' c'' | d''2. |
    }
    \addlyrics { Der Mond ist auf -- ge -- gan -- gen, die gold -- nen }
    \new PianoStaff \with { instrumentName = "Klavier" } <<
      \new Staff { \key g \minor <g' bes' d''>2. | <fis' a' d''>2 <g' bes'>4 | <fis' a'>4 <g' bes'> <a' c''> | <bes' d''>2. | }
      \new Staff { \clef bass \key g \minor g,2. | d2 g4 | d4 g a | bes2. | }
    >>
  >>
}
