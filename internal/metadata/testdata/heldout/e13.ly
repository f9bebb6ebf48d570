\version "2.24.1"
\header { title = "Sonata in B-flat major" subtitle = "for Violin and Piano" composer = "Wolfgang Amadeus Mozart" opus = "K. 378" }
\score { << \new Staff \with { instrumentName = "Violin" } { \time 2/4 a'4 b' } \new PianoStaff \with { instrumentName = "Piano" } << \new Staff { c'4 e' } \new Staff { \clef bass c4 e } >> >> }
