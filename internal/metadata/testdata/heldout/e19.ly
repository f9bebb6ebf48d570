\version "2.24.1"
\header { title = "Mazurka" subtitle = "a-moll" composer = "Fr. Chopin" opus = "Op. 17 Nr. 4" meter = "Lento ma non troppo" }
\score { \new PianoStaff << \new Staff { \time 3/4 \tempo "Lento" c''4\p d''4 e''4 | f''2. } \new Staff { \clef bass c4 e g | c2. } >> }
