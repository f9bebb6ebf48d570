\version "2.24.1"
\header { title = "Streichquartett" subtitle = "F-Dur" composer = "Maurice Ravel" }
\score { \new StaffGroup << \new Staff \with { instrumentName = "Violine I" } { \tempo "Allegro moderato" g'4 a' b' c'' } \new Staff \with { instrumentName = "Violine II" } { g'4 a' b' c'' } \new Staff \with { instrumentName = "Viola" } { \clef alto g4 a b c' } \new Staff \with { instrumentName = "Violoncello" } { \clef bass g,4 a, b, c } >> }
