// After a passkey is added, show the page again so that it lists the new passkey.
document.addEventListener("otp_webauthn.register_complete", () => {
  window.location.reload();
});
