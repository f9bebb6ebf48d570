\version "2.24.0"
% Cello and piano, named in German; E minor, the cello in the bass clef.
\header { title = "Elegie" tagline = ##f }
\score {
  <<
    \new Staff \with { instrumentName = "Violoncello" } {
      \clef bass \key e \minor \time 4/4
      e2 g4 b | dis'2 e'2 | c'4 b a g | fis1 |
    }
    \new PianoStaff \with { instrumentName = "Klavier" } <<
      \new Staff { \key e \minor <e' g' b'>1 | <dis' fis' b'>2 <e' g' b'>2 | <e' a' c''>1 | <dis' fis' b'>1 | }
      \new Staff { \clef bass \key e \minor e,1 | b,2 e2 | a,1 | b,1 | }
    >>
  >>
}
