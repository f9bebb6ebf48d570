\version "2.24.0"
% A sonata: violin and piano, named in Italian; D major.
\header { title = "Sonata" composer = "Test" tagline = ##f }
\score {
  <<
    \new Staff \with { instrumentName = "Violino" } {
      \key d \major \time 4/4
      d''2 fis''4 a'' | a''2 g''4 fis'' | e''4 d'' cis'' b' | a'1 |
    }
    \new PianoStaff \with { instrumentName = "Pianoforte" } <<
      \new Staff { \key d \major <d' fis' a'>1 | <cis' e' a'>1 | <d' g' b'>1 | <cis' e' a'>1 | }
      \new Staff { \clef bass \key d \major d1 | a,1 | g,1 | a,1 | }
    >>
  >>
}
