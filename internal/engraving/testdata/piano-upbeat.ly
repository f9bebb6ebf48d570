\version "2.24.0"
% Three flats opening on a lone upbeat: the signature is read, the key is not called.
\header { title = "Walzer" tagline = ##f }
\score {
  \new PianoStaff <<
    \new Staff { \key es \major \time 3/4 \partial 4 bes'4 | <g' bes' es''>2. | <f' as' d''>2. | }
    \new Staff { \clef bass \key es \major \partial 4 r4 | es2. | bes,2. | }
  >>
}
