\version "2.24.1"
\header { title = "Suite" subtitle = "für Violoncello solo" composer = "J. S. Bach" opus = "BWV 1008" piece = "Prélude" }
\score { \new Staff \with { instrumentName = "Violoncello" } { \clef "treble_8" \time 3/4 e4 g b } }
