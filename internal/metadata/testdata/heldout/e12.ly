\version "2.24.1"
\header { title = "Ave Maria" composer = "Jacques Arcadelt" arranger = "Arr. Pierre-Louis Dietsch" }
\score { \new ChoirStaff << \new Staff \with { instrumentName = "Soprano" } { c''4 d'' } \new Staff \with { instrumentName = "Alto" } { a'4 b' } \new Staff \with { instrumentName = "Tenor" } { \clef "treble_8" e'4 f' } \new Staff \with { instrumentName = "Bass" } { \clef bass c4 d } >> }
