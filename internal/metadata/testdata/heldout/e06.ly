\version "2.24.1"
\header { title = "Nokturn" subtitle = "cis-moll" composer = "Fryderyk Chopin" opus = "Op. posth." }
\score { \new PianoStaff << \new Staff { \time 3/4 \tempo "Lento con gran espressione" c''4\p d''4 e''4 | f''2. } \new Staff { \clef bass c4 e g | c2. } >> }
