\version "2.24.1"
\header { title = "Lied ohne Worte" subtitle = "Venetianisches Gondellied" composer = "Felix Mendelssohn Bartholdy" opus = "Op. 30 Nr. 6" subsubtitle = "fis-Moll" }
\score { \new PianoStaff << \new Staff { \time 3/4 \tempo "Allegretto tranquillo" c''4\p d''4 e''4 | f''2. } \new Staff { \clef bass c4 e g | c2. } >> }
