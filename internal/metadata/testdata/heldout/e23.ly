\version "2.24.1"
\header { title = "Humoreska" subtitle = "pro housle a klavír" composer = "Antonín Dvořák" opus = "Op. 101, č. 7" arranger = "úprava: Fritz Kreisler" }
\score { << \new Staff \with { instrumentName = "Housle" } { \time 2/4 a'4 b' } \new PianoStaff \with { instrumentName = "Klavír" } << \new Staff { c'4 e' } \new Staff { \clef bass c4 e } >> >> }
