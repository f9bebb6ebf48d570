\version "2.24.1"
\header { title = "Notturno" subtitle = "per pianoforte" subsubtitle = "in La bemolle maggiore" composer = "Giuseppe Martucci (1856–1909)" opus = "Op. 70 N. 1" }
\score { \new PianoStaff << \new Staff { \time 3/4 \tempo "Andante sostenuto" c''4\p d''4 e''4 | f''2. } \new Staff { \clef bass c4 e g | c2. } >> }
