mod placeholder {}
mod calendar;
