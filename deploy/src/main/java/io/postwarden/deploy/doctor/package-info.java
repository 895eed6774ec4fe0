/**
 * {@code postwarden doctor}: checks a live installation (configuration, SRS secrets, milter
 * listeners, Postfix wiring, the SRS domain's DNS) and prints one finding per line. Each check is a
 * small {@link io.postwarden.deploy.doctor.Check}; {@link
 * io.postwarden.deploy.doctor.DoctorCommand} picks the checks that apply.
 */
package io.postwarden.deploy.doctor;
