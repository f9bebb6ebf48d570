\version "2.24.1"
\header { title = "Laudate Dominum" subtitle = "Psalmus 117" composer = "Orlando di Lasso" }
\score { \new ChoirStaff << \new Staff \with { instrumentName = "Cantus" } { c''4 d'' } \new Staff \with { instrumentName = "Altus" } { a'4 b' } \new Staff \with { instrumentName = "Tenor" } { \clef "treble_8" e'4 f' } \new Staff \with { instrumentName = "Bassus" } { \clef bass c4 d } >> }
