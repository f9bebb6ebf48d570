\version "2.24.1"
\header { title = "Prélude" subtitle = "en ut dièse mineur" composer = "S. Rachmaninoff" opus = "Op. 3 N° 2" }
\score { \new PianoStaff << \new Staff { \time 3/4 \tempo "Lento" c''4\p d''4 e''4 | f''2. } \new Staff { \clef bass c4 e g | c2. } >> }
