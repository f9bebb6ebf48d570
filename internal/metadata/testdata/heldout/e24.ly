\version "2.24.1"
\header { title = "Cantique" subtitle = "pour orgue" composer = "Louis Vierne" opus = "Op. 31 n° 19" }
\score { \new PianoStaff << \new Staff { \time 3/4 \tempo "Andante" c''4\p d''4 e''4 | f''2. } \new Staff { \clef bass c4 e g | c2. } >> }
