\version "2.24.1"
\header { title = "Canción de cuna" subtitle = "para voz y piano" composer = "Manuel de Falla" poet = "Letra de Gregorio Martínez Sierra" }
\score { << \new Staff \with { instrumentName = "Voz" } { \time 4/4 c''4 d'' e'' f'' } \addlyrics { Duér -- me -- te } \new PianoStaff \with { instrumentName = "Piano" } << \new Staff { c'4 e' g' c'' } \new Staff { \clef bass c4 e g c' } >> >> }
