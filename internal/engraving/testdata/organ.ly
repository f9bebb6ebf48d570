\version "2.24.0"
% Organ: manuals and pedal, named; F major.
\header { title = "Praeludium" composer = "Test" tagline = ##f }
\score {
  <<
    \new PianoStaff \with { instrumentName = "Manual" } <<
      \new Staff { \key f \major \time 4/4 <f' a' c''>1 | <e' g' c''>1 | }
      \new Staff { \clef bass \key f \major <a c'>1 | <g c'>1 | }
    >>
    \new Staff \with { instrumentName = "Pedal" } { \clef bass \key f \major f,1 | c1 | }
  >>
}
