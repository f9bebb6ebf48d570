\version "2.24.1"
\header { title = "Polonéza" subtitle = "Es dur" composer = "Zdeněk Fibich" opus = "Op. 41, č. 3" instrument = "Klavír" }
\score { \new PianoStaff << \new Staff { \time 3/4 \tempo "Allegro" c''4\p d''4 e''4 | f''2. } \new Staff { \clef bass c4 e g | c2. } >> }
