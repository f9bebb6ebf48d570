\version "2.24.1"
\header { title = "Sechs kleine Stücke" subtitle = "für Klavier" composer = "Carl Reinecke" opus = "Op. 183" }
\score { \new PianoStaff << \new Staff { \time 3/4 \tempo "Mäßig bewegt" c''4\p d''4 e''4 | f''2. } \new Staff { \clef bass c4 e g | c2. } >> }
