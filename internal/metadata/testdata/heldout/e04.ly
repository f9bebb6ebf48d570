\version "2.24.1"
\header { title = "Romanza" subtitle = "para guitarra" composer = "Anónimo" }
\score { \new Staff \with { instrumentName = "Guitarra" } { \clef "treble_8" \time 3/4 e4 g b } }
