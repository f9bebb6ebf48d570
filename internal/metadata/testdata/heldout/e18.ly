\version "2.24.1"
\header { title = "Sonata" subtitle = "Hob. XVI:37" composer = "Joseph Haydn" piece = "Allegro con brio" copyright = "Public domain" }
\score { \new PianoStaff << \new Staff { \time 3/4 \tempo "Allegro con brio" c''4\p d''4 e''4 | f''2. } \new Staff { \clef bass c4 e g | c2. } >> }
