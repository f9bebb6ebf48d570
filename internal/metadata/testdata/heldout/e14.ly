\version "2.24.1"
\header { title = "Klavierstück" subtitle = "H-Dur" composer = "Schubert, Franz" opus = "D 946 Nr. 2" }
\score { \new PianoStaff << \new Staff { \time 3/4 \tempo "Allegretto" c''4\p d''4 e''4 | f''2. } \new Staff { \clef bass c4 e g | c2. } >> }
