\version "2.24.0"
% A guitar piece: one treble staff (sounding an octave lower), named in Spanish; E minor.
\header { title = "Estudio" composer = "Test" tagline = ##f }
\score {
  \new Staff \with { instrumentName = "Guitarra" } {
    \clef "treble_8" \key e \minor \time 3/4
    <e, b, g>2. | <fis, b, a>2 <g, b, g>4 | e2. |
  }
}
