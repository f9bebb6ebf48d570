\version "2.24.1"
\header { title = "Rondo alla turca" composer = "MOZART" opus = "K. 331" subtitle = "from the Sonata in A major" }
\score { \new PianoStaff << \new Staff { \time 3/4 \tempo "Allegretto" c''4\p d''4 e''4 | f''2. } \new Staff { \clef bass c4 e g | c2. } >> }
