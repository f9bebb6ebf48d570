\version "2.24.1"
\header { title = "Sonatine" subtitle = "in G groot" composer = "Jan van Gilse" opus = "Op. 2" }
\score { \new PianoStaff << \new Staff { \time 3/4 \tempo "Allegretto" c''4\p d''4 e''4 | f''2. } \new Staff { \clef bass c4 e g | c2. } >> }
